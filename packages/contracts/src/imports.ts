import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { lawfulBasisSchema } from './purposes.js';

/** The contact fields a CSV column can be mapped to. */
export const importableFields = [
  'firstName',
  'lastName',
  'email',
  'email2',
  'phone',
  'phone2',
  'jobTitle',
  'street',
  'postalCode',
  'city',
  'region',
  'country',
  'dateOfBirth',
  'lifecycleStage',
  'tags',
] as const;
export type ImportableField = (typeof importableFields)[number];

/** The form fields of POST /api/v1/imports, sent before the file part. */
export const importSettingsSchema = z.object({
  /** CSV header → contact field, e.g. {"E-Mail": "email", "Vorname": "firstName"}. */
  mapping: z
    .record(z.string().min(1).max(200), z.enum(importableFields))
    .refine((m) => Object.keys(m).length > 0, { message: 'map at least one column' })
    .refine((m) => new Set(Object.values(m)).size === Object.values(m).length, {
      message: 'map each field from one column only',
    }),
  /** Where the data came from (a form, a fair, a partner list): kept as the people's provenance (Art. 14). */
  source: z.string().trim().min(1).max(200),
  lawfulBasis: lawfulBasisSchema,
  /** A row whose e-mail is already in the CRM updates that contact, or is skipped. */
  onDuplicate: z.enum(['update', 'skip']).default('skip'),
  /** Check every row and report what would happen, changing nothing. */
  dryRun: z.boolean().default(false),
});
export type ImportSettings = z.infer<typeof importSettingsSchema>;

export const importStatuses = ['uploading', 'queued', 'running', 'completed', 'failed'] as const;
export const importRowErrorSchema = z.object({
  /** 1-based data row number (the header is row 0). */
  row: z.number().int(),
  /** The CSV column at fault. Never the value. */
  field: z.string(),
  issue: z.string(),
});
export const importSchema = z.object({
  id: z.uuid(),
  status: z.enum(importStatuses),
  dryRun: z.boolean(),
  source: z.string(),
  lawfulBasis: lawfulBasisSchema,
  onDuplicate: z.enum(['update', 'skip']),
  mapping: z.record(z.string(), z.string()),
  totalRows: z.number().int(),
  rowsDone: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  /** The first 1,000 bad rows; `failed` counts them all. */
  errors: z.array(importRowErrorSchema),
  createdAt: isoDateTime,
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
});
export type Import = z.infer<typeof importSchema>;

export const createImport = defineEndpoint({
  method: 'POST',
  path: '/api/v1/imports',
  summary:
    'Import contacts from CSV (multipart/form-data): the fields `mapping` (JSON), `source`, `lawfulBasis`, `onDuplicate` (update|skip) and `dryRun` (true|false) first, then the `file` part (UTF-8 CSV with a header row). The file is streamed, stored encrypted in chunks, and processed by a background job in batches of 500 rows: each batch commits together with the progress, so a failure leaves exactly the rows counted in `rowsDone` applied, and the job resumes from there. Bad rows are reported by row number and column, never with their value. Rows are deduplicated by e-mail (blind index), within the file too.',
  tags: ['imports'],
  access: requires('contacts:import'),
  response: { 202: importSchema },
});

export const getImport = defineEndpoint({
  method: 'GET',
  path: '/api/v1/imports/:id',
  summary: 'The progress and result of an import',
  tags: ['imports'],
  access: requires('contacts:import'),
  params: idParams,
  response: { 200: importSchema },
});
