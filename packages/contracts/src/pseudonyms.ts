import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/**
 * Pseudonymisation (GDPR Art. 4(5)) for data leaving Custodian: each recipient (a processor, a study) gets its
 * own keyed pseudonym per person, from a key derived from the master key — outside the database — so only
 * Custodian can link a pseudonym back. Rotating a recipient's key makes its old pseudonyms unlinkable.
 */
export const pseudonymRecipientSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  purpose: purposeSchema,
  /** Increases with each rotation; pseudonyms of earlier versions no longer resolve. */
  version: z.number().int(),
  createdAt: isoDateTime,
  rotatedAt: isoDateTime.nullable(),
});
export type PseudonymRecipient = z.infer<typeof pseudonymRecipientSchema>;

export const createPseudonymRecipientBody = z.object({
  name: z.string().trim().min(1).max(120),
  purpose: purposeSchema.describe(
    'what the recipient processes the data for; the processing guard decides who is included',
  ),
});

export const pseudonymExportSchema = z.object({
  recipientId: z.uuid(),
  version: z.number().int(),
  purpose: purposeSchema,
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  /** Contacts left out because the processing guard refuses them for the recipient's purpose. */
  refused: z.number().int(),
});
export type PseudonymExport = z.infer<typeof pseudonymExportSchema>;

export const listPseudonymRecipients = defineEndpoint({
  method: 'GET',
  path: '/api/v1/pseudonym-recipients',
  summary: 'Recipients of pseudonymised exports, each with its own pseudonym key',
  tags: ['privacy'],
  access: requires('pseudonyms:manage'),
  response: { 200: z.object({ items: z.array(pseudonymRecipientSchema) }) },
});
export const createPseudonymRecipient = defineEndpoint({
  method: 'POST',
  path: '/api/v1/pseudonym-recipients',
  summary: 'Register a recipient of pseudonymised exports',
  tags: ['privacy'],
  access: requires('pseudonyms:manage'),
  body: createPseudonymRecipientBody,
  response: { 201: pseudonymRecipientSchema },
});
export const rotatePseudonymKey = defineEndpoint({
  method: 'POST',
  path: '/api/v1/pseudonym-recipients/:id/rotate',
  summary: 'Give the recipient a new pseudonym key: its earlier pseudonyms can no longer be linked to anyone',
  tags: ['privacy'],
  access: requires('pseudonyms:manage'),
  params: idParams,
  body: z.object({}).strict(),
  response: { 200: pseudonymRecipientSchema },
});
export const exportPseudonymised = defineEndpoint({
  method: 'GET',
  path: '/api/v1/pseudonym-recipients/:id/export',
  summary:
    'Contacts for the recipient under its pseudonyms: no names, addresses, e-mails or phones; lifecycle stage, source, creation time, country, birth year and job title. Only people the guard allows for the recipient’s purpose; audited as a disclosure.',
  tags: ['privacy'],
  access: requires('contacts:export'),
  params: idParams,
  response: { 200: pseudonymExportSchema },
});
export const resolvePseudonyms = defineEndpoint({
  method: 'POST',
  path: '/api/v1/pseudonym-recipients/:id/resolve',
  summary:
    'Re-identify pseudonyms of the recipient’s current key (e.g. a processor reporting an unsubscribe): the contact ids, or null for erased or unknown ones. Audited.',
  tags: ['privacy'],
  access: requires('pseudonyms:manage'),
  params: idParams,
  body: z.object({
    pseudonyms: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a pseudonym'))
      .min(1)
      .max(1000),
  }),
  response: {
    200: z.object({ items: z.array(z.object({ pseudonym: z.string(), contactId: z.uuid().nullable() })) }),
  },
});
