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

/** What an import brings in: contacts (the default), activities about known contacts, or consent history. */
export const importKinds = ['contacts', 'activities', 'consents'] as const;
export type ImportKind = (typeof importKinds)[number];

/** The activity fields a CSV column can be mapped to; `email`/`email2` name the people it is about. */
export const activityImportFields = [
  'type',
  'occurredAt',
  'subject',
  'body',
  'durationMinutes',
  'direction',
  'email',
  'email2',
] as const;
export type ActivityImportField = (typeof activityImportFields)[number];

/**
 * The consent-history fields a CSV column can be mapped to. The notice is named by `noticeId`, or by
 * `noticeKey` and `noticeVersion`; `source` is the record's reference in the previous system.
 */
export const consentImportFields = [
  'email',
  'purpose',
  'kind',
  'occurredAt',
  'method',
  'source',
  'noticeId',
  'noticeKey',
  'noticeVersion',
  'language',
  'jurisdiction',
  'note',
] as const;
export type ConsentImportField = (typeof consentImportFields)[number];

/** The kinds of consent event an import may carry: the choices a previous system recorded. */
export const importableConsentKinds = ['given', 'refused', 'withdrawn'] as const;

/** CSV header → field, e.g. {"E-Mail": "email", "Vorname": "firstName"}; each field from one column. */
const mappingOf = <const F extends readonly [string, ...string[]]>(fields: F) =>
  z
    .record(z.string().min(1).max(200), z.enum(fields))
    .refine((m) => Object.keys(m).length > 0, { message: 'map at least one column' })
    .refine((m) => new Set(Object.values(m)).size === Object.values(m).length, {
      message: 'map each field from one column only',
    });

/** Where the data came from (a form, a fair, a partner list, the previous CRM): kept as provenance (Art. 14). */
const sourceSchema = z.string().trim().min(1).max(200);
/** Check every row and report what would happen, changing nothing. */
const dryRunSchema = z.boolean().default(false);

export const contactImportSettingsSchema = z.object({
  kind: z.literal('contacts'),
  mapping: mappingOf(importableFields),
  source: sourceSchema,
  lawfulBasis: lawfulBasisSchema,
  /** A row whose e-mail is already in the CRM updates that contact, or is skipped. */
  onDuplicate: z.enum(['update', 'skip']).default('skip'),
  dryRun: dryRunSchema,
});

/** Activities and consent events are records of what happened: a row already in the CRM is skipped, never changed. */
const skipOnly = z
  .literal('skip', { message: 'only skip: imported records are never changed' })
  .default('skip');

export const activityImportSettingsSchema = z.object({
  kind: z.literal('activities'),
  mapping: mappingOf(activityImportFields).refine(
    (m) => (['type', 'occurredAt', 'email'] as const).every((f) => Object.values(m).includes(f)),
    { message: 'map columns to type, occurredAt and email (the person the activity is about)' },
  ),
  source: sourceSchema,
  onDuplicate: skipOnly,
  dryRun: dryRunSchema,
});

export const consentImportSettingsSchema = z.object({
  kind: z.literal('consents'),
  mapping: mappingOf(consentImportFields).refine(
    (m) => (['email', 'purpose', 'kind', 'occurredAt'] as const).every((f) => Object.values(m).includes(f)),
    { message: 'map columns to email, purpose, kind and occurredAt' },
  ),
  /** The previous system, named in every imported event's proof. */
  source: sourceSchema,
  onDuplicate: skipOnly,
  dryRun: dryRunSchema,
});

/** The form fields of POST /api/v1/imports, sent before the file part; `kind` defaults to contacts. */
export const importSettingsSchema = z.preprocess(
  (v) =>
    v && typeof v === 'object' && (v as { kind?: unknown }).kind === undefined
      ? { ...v, kind: 'contacts' }
      : v,
  z.discriminatedUnion('kind', [
    contactImportSettingsSchema,
    activityImportSettingsSchema,
    consentImportSettingsSchema,
  ]),
);
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
  kind: z.enum(importKinds),
  status: z.enum(importStatuses),
  dryRun: z.boolean(),
  source: z.string(),
  /** For contact imports; null for activities and consent history. */
  lawfulBasis: lawfulBasisSchema.nullable(),
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
    'Import contacts, activities or consent history from CSV (multipart/form-data): the fields `kind` (contacts, the default, activities or consents), `mapping` (JSON, CSV column → field), `source`, `lawfulBasis` (contacts only), `onDuplicate` (update|skip; only skip for activities and consents) and `dryRun` (true|false) first, then the `file` part (UTF-8 CSV with a header row). The file is streamed, stored encrypted in chunks, and processed by a background job in batches of 500 rows: each batch commits together with the progress, so a failure leaves exactly the rows counted in `rowsDone` applied, and the job resumes from there. Bad rows are reported by row number and column, never with their value. Contacts are deduplicated by e-mail (blind index), within the file too. Activities and consent events name their people by e-mail, matched to existing contacts through the blind index; a row naming nobody known fails. An activity or consent event already recorded (same person, type or purpose and kind, same moment) is skipped. Imported consent events keep their original date and method; a given or refused one names a notice (`noticeId`, or `noticeKey` and `noticeVersion`) that covers the purpose, in the language named, and was in use then (its `shownSince`, else its publication). Importing activities needs `activities:write` too, consent history `consents:record`.',
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
