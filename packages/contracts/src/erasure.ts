import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/**
 * The exemptions of GDPR Art. 17(3) under which data may outlive an erasure request:
 * (b) a legal obligation (e.g. invoices kept for tax law), (c)/(d) public interest and archiving or research,
 * (e) the establishment, exercise or defence of legal claims.
 */
export const holdGrounds = [
  'legal_obligation',
  'public_interest',
  'archiving_research',
  'legal_claims',
] as const;
export const holdGroundSchema = z.enum(holdGrounds);
export type HoldGround = z.infer<typeof holdGroundSchema>;

/** The contact fields a hold can keep: the catalog's personal fields of a contact. */
export const holdableContactFields = [
  'firstName',
  'lastName',
  'emails',
  'phones',
  'addresses',
  'jobTitle',
  'dateOfBirth',
  'customFields',
] as const;

export const legalHoldSchema = z.object({
  id: z.uuid(),
  /** A hold on one person, or (dealId) on a case: every person in the deal, now or added later. */
  contactId: z.uuid().nullable(),
  dealId: z.uuid().nullable(),
  ground: holdGroundSchema,
  purpose: purposeSchema,
  fields: z.array(z.enum(holdableContactFields)),
  reference: z.string().describe('a case or file reference: never the person’s details'),
  until: z.iso.date().nullable(),
  createdAt: isoDateTime,
  createdBy: z.uuid().nullable(),
  liftedAt: isoDateTime.nullable(),
  liftedBy: z.uuid().nullable(),
  active: z.boolean(),
});
export type LegalHold = z.infer<typeof legalHoldSchema>;

export const placeLegalHoldBody = z.object({
  ground: holdGroundSchema,
  purpose: purposeSchema.describe('the purpose whose retention duty the hold serves, e.g. legal_obligation'),
  fields: z
    .array(z.enum(holdableContactFields))
    .min(1)
    .max(holdableContactFields.length)
    .refine((f) => new Set(f).size === f.length, 'name each field once')
    .describe('only the fields the duty needs: everything else is still erased'),
  reference: z.string().trim().min(1).max(200),
  until: z.iso.date().optional().describe('when the duty ends; open-ended when absent'),
});
export type PlaceLegalHoldInput = z.infer<typeof placeLegalHoldBody>;

export const placeLegalHold = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts/:id/legal-holds',
  summary:
    'Place a legal hold on a contact (GDPR Art. 17(3)): an erasure then keeps the named fields, restricted, and erases the rest',
  tags: ['requests'],
  access: requires('requests:manage'),
  params: idParams,
  body: placeLegalHoldBody,
  response: { 201: legalHoldSchema },
});

export const listLegalHolds = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/legal-holds',
  summary:
    'The legal holds of a contact, active and lifted: their own and those of the cases (deals) they are in',
  tags: ['requests'],
  access: requires('requests:read'),
  params: idParams,
  response: { 200: z.object({ items: z.array(legalHoldSchema) }) },
});

export const placeDealLegalHold = defineEndpoint({
  method: 'POST',
  path: '/api/v1/deals/:id/legal-holds',
  summary:
    'Place a legal hold on a case (a deal): it covers every person in the deal, now or added later; their erasures keep the named fields and their link to the deal, and the deal cannot be deleted while it holds',
  tags: ['requests'],
  access: requires('requests:manage'),
  params: idParams,
  body: placeLegalHoldBody,
  response: { 201: legalHoldSchema },
});

export const listDealLegalHolds = defineEndpoint({
  method: 'GET',
  path: '/api/v1/deals/:id/legal-holds',
  summary: 'The legal holds of a case (a deal), active and lifted',
  tags: ['requests'],
  access: requires('requests:read'),
  params: idParams,
  response: { 200: z.object({ items: z.array(legalHoldSchema) }) },
});

export const liftLegalHold = defineEndpoint({
  method: 'POST',
  path: '/api/v1/legal-holds/:id/lift',
  summary: 'Lift a legal hold once its duty ended; a later erasure then removes what it kept',
  tags: ['requests'],
  access: requires('requests:manage'),
  params: idParams,
  body: z.object({}).strict(),
  response: { 200: legalHoldSchema },
});

/** What an erasure did, table by table: row counts only, never values or the person's identifiers. */
export const erasureCertificateSchema = z.object({
  certificateId: z.uuid(),
  requestId: z.uuid().nullable(),
  reason: z.string(),
  issuedAt: isoDateTime,
  issuedBy: z.object({ type: z.string(), id: z.uuid().nullable() }),
  outcome: z
    .enum(['erased', 'erased_except_held'])
    .describe('`erased_except_held`: fields under a legal hold were kept, restricted'),
  tables: z.array(
    z.object({
      table: z.string(),
      action: z.enum(['deleted', 'updated', 'redacted', 'unlinked', 'appended']),
      rows: z.number().int(),
    }),
  ),
  keysDestroyed: z.number().int().describe('data keys shredded: the person’s own and those of their records'),
  kept: z.array(
    z.object({
      what: z.string(),
      fields: z.array(z.string()),
      why: z.string(),
      ground: holdGroundSchema.nullable(),
      until: z.iso.date().nullable(),
    }),
  ),
  suppressionEntries: z.number().int(),
  recipientsQueued: z
    .array(z.object({ recipient: z.string(), at: isoDateTime }))
    .default([])
    .describe(
      'recipients the erasure notice (`contact.erased`, Art. 19) was queued for, and when: the active subscribers to it that had received the person. It is sent after the erasure commits; each delivery is recorded in the audit trail as `webhook.delivered`',
    ),
  recipientsNotified: z
    .array(z.object({ recipient: z.string(), at: isoDateTime }))
    .optional()
    .describe(
      'deprecated: certificates issued before `recipientsQueued` named the same recipients here, though the notice was then only queued too; not written any more',
    ),
  verification: z.object({
    tablesScanned: z.number().int(),
    columnsScanned: z.number().int(),
    columnsProved: z
      .number()
      .int()
      .optional()
      .describe(
        'columns the schema proves free of the identifiers, left unread: foreign keys (their referenced column is scanned) and varchars shorter than every identifier',
      ),
    valuesSought: z.number().int().describe('former identifiers and exact blind-index tokens looked for'),
    hits: z.number().int(),
    allowed: z
      .array(z.object({ table: z.string(), why: z.string() }))
      .describe(
        'places where identifiers remain by design (e.g. the audit trail, records kept under a hold)',
      ),
  }),
});
export type ErasureCertificate = z.infer<typeof erasureCertificateSchema>;

export const issuedCertificateSchema = z.object({
  certificate: erasureCertificateSchema,
  /** SHA-256 (hex) of `document`, the exact JSON text of the certificate. */
  sha256: z.string(),
  document: z.string(),
  /** The audit entry that carries the hash into the chain. */
  auditEntryId: z.number().int(),
});
export type IssuedCertificate = z.infer<typeof issuedCertificateSchema>;

export const eraseContactBody = z.object({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe(
      'why the person is erased outside a request (a ticket or decision reference; no personal data)',
    ),
});

export const eraseContact = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts/:id/erasure',
  summary:
    'Erase a person with the erasure workflow (GDPR Art. 17): holds respected, records deleted, keys shredded, suppression entry added, nothing left verified, certificate issued',
  tags: ['requests'],
  access: requires('requests:manage'),
  params: idParams,
  body: eraseContactBody,
  response: { 201: issuedCertificateSchema },
});

export const getRequestCertificate = defineEndpoint({
  method: 'GET',
  path: '/api/v1/requests/:id/certificate',
  summary: 'The erasure certificate of a fulfilled erasure request, with its hash and audit entry',
  tags: ['requests'],
  access: requires('requests:read'),
  params: idParams,
  response: { 200: issuedCertificateSchema },
});
