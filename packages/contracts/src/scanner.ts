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

/** A free-text field holding personal data: where and what kind, never the value. */
export const scannerFindingSchema = z.object({
  id: z.uuid(),
  entity: z.enum(['activity', 'task']),
  entityId: z.uuid(),
  field: z.string(),
  kinds: z.array(findingKindSchema),
  foundAt: isoDateTime,
  status: z.enum(['open', 'dismissed', 'redacted']),
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
    status: z.enum(['open', 'dismissed', 'redacted']).default('open'),
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
