import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';

/** What the free-text scanner looks for: direct identifiers and GDPR Art. 9 special categories. */
export const findingKinds = [
  'email',
  'phone',
  'iban',
  'payment_card',
  'national_id',
  'date_of_birth',
  'health',
  'religion',
  'ethnicity',
  'politics',
  'union',
  'sexual_orientation',
] as const;
export const findingKindSchema = z.enum(findingKinds);
export type FindingKind = z.infer<typeof findingKindSchema>;

export const findingStatuses = ['open', 'dismissed', 'redacted', 'reclassified'] as const;

/** The Art. 9 kinds: a field classified with one of them needs `reveal:special` to be read. */
export const specialFindingKinds = [
  'health',
  'religion',
  'ethnicity',
  'politics',
  'union',
  'sexual_orientation',
] as const satisfies readonly FindingKind[];

/** A free-text field holding personal data: where and what kind, never the value. */
export const scannerFindingSchema = z.object({
  id: z.uuid(),
  entity: z.enum(['activity', 'task', 'contact']),
  entityId: z.uuid(),
  field: z
    .string()
    .describe('subject or body of an activity, title of a task, customFields.<key> of a contact'),
  kinds: z.array(findingKindSchema).describe('what the scanner found'),
  /** What the privacy officer says the field holds; special categories among them mask an activity's or task's field for roles without `reveal:special`. */
  classifiedKinds: z.array(findingKindSchema).nullable(),
  foundAt: isoDateTime,
  status: z.enum(findingStatuses),
  reviewedBy: z.uuid().nullable(),
  reviewedAt: isoDateTime.nullable(),
});
export type ScannerFinding = z.infer<typeof scannerFindingSchema>;

export const listFindings = defineEndpoint({
  method: 'GET',
  path: '/api/v1/scanner/findings',
  summary:
    'Free-text fields (notes, call summaries, task titles) where the scanner found personal data, newest first: kinds and places only',
  tags: ['privacy'],
  access: requires('requests:read'),
  querystring: z.object({
    status: z.enum(findingStatuses).default('open'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  response: { 200: z.object({ items: z.array(scannerFindingSchema) }) },
});

export const dismissFinding = defineEndpoint({
  method: 'POST',
  path: '/api/v1/scanner/findings/:id/dismiss',
  summary: 'Mark a finding as reviewed and acceptable (e.g. the person’s own address in their record)',
  tags: ['privacy'],
  access: requires('requests:manage'),
  params: idParams,
  body: z.object({}).strict(),
  response: { 200: scannerFindingSchema },
});

export const redactFinding = defineEndpoint({
  method: 'POST',
  path: '/api/v1/scanner/findings/:id/redact',
  summary: 'Replace what the scanner found in the field (all its kinds, or those named) by [redacted]',
  tags: ['privacy'],
  access: requires('requests:manage'),
  params: idParams,
  body: z.object({ kinds: z.array(findingKindSchema).min(1).optional() }),
  response: { 200: scannerFindingSchema },
});

export const reclassifyFinding = defineEndpoint({
  method: 'POST',
  path: '/api/v1/scanner/findings/:id/reclassify',
  summary:
    'Record what the field really holds (kinds the scanner missed or mistook; empty for nothing personal). A special category masks the activity’s or task’s field for roles without reveal:special, until reclassified again.',
  tags: ['privacy'],
  access: requires('requests:manage'),
  params: idParams,
  body: z.object({
    kinds: z
      .array(findingKindSchema)
      .max(findingKinds.length)
      .refine((k) => new Set(k).size === k.length, 'name each kind once'),
  }),
  response: { 200: scannerFindingSchema },
});

export const scannerScanSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  queuedAt: isoDateTime,
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
  /** Activities, tasks and contacts with custom fields when the scan started. */
  total: z.number().int(),
  scanned: z.number().int(),
  /** Records scanned that have a finding. */
  withFindings: z.number().int(),
  phase: z.enum(['activities', 'tasks', 'contacts']),
});
export type ScannerScan = z.infer<typeof scannerScanSchema>;

export const startScannerScan = defineEndpoint({
  method: 'POST',
  path: '/api/v1/scanner/scans',
  summary:
    'Scan the text already stored (notes, call summaries, e-mail bodies, task titles, contacts’ custom fields) in the background; a scan queued or running is returned instead of a second one',
  tags: ['privacy'],
  access: requires('requests:manage'),
  body: z.object({}).strict(),
  response: { 202: scannerScanSchema },
});

export const listScannerScans = defineEndpoint({
  method: 'GET',
  path: '/api/v1/scanner/scans',
  summary: 'Background scans, newest first, with their progress',
  tags: ['privacy'],
  access: requires('requests:read'),
  response: { 200: z.object({ items: z.array(scannerScanSchema) }) },
});
