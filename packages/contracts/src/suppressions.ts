import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';

export const suppressionReasons = ['erasure', 'objection', 'do_not_contact'] as const;

/** An entry holds only keyed hashes of an e-mail address or phone number: never the value. */
export const suppressionSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['email', 'phone']),
  reason: z.enum(suppressionReasons),
  requestId: z.uuid().nullable(),
  createdAt: isoDateTime,
});
export type Suppression = z.infer<typeof suppressionSchema>;

const addressesBody = z
  .object({
    emails: z.array(z.email().max(254)).max(20).default([]),
    phones: z.array(z.string().min(3).max(40)).max(20).default([]),
  })
  .refine((b) => b.emails.length + b.phones.length > 0, {
    message: 'give at least one e-mail address or phone number',
    path: ['emails'],
  });

export const addSuppressionsBody = addressesBody.and(
  z.object({ reason: z.enum(suppressionReasons), requestId: z.uuid().optional() }),
);
export type AddSuppressionsInput = z.infer<typeof addSuppressionsBody>;

export const addSuppressions = defineEndpoint({
  method: 'POST',
  path: '/api/v1/suppressions',
  summary:
    'Put addresses on the suppression list: imports refuse them and staff cannot re-create the person until the entry is lifted. Only keyed hashes are stored.',
  tags: ['requests'],
  access: requires('requests:manage'),
  body: addSuppressionsBody,
  response: { 201: z.object({ items: z.array(suppressionSchema) }) },
});

export const listSuppressions = defineEndpoint({
  method: 'GET',
  path: '/api/v1/suppressions',
  summary: 'The suppression list (kinds, reasons and dates: the addresses themselves are not stored)',
  tags: ['requests'],
  access: requires('requests:read'),
  response: { 200: z.object({ items: z.array(suppressionSchema) }) },
});

export const checkSuppressions = defineEndpoint({
  method: 'POST',
  path: '/api/v1/suppressions/check',
  summary: 'Whether any of these addresses is on the suppression list',
  tags: ['requests'],
  access: requires('requests:read'),
  body: addressesBody,
  response: { 200: z.object({ suppressed: z.boolean(), ids: z.array(z.uuid()) }) },
});

export const liftSuppression = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/suppressions/:id',
  summary: 'Lift an entry, when the person gave a new, explicit consent to be in the CRM again',
  tags: ['requests'],
  access: requires('requests:manage'),
  params: idParams,
  response: { 204: z.null() },
});
