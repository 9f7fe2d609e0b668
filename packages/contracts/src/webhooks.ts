import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/**
 * Signed webhooks: a subscription sends events to a registered recipient, under one of its purposes. Payloads
 * are built when they are delivered and carry only the catalog fields that purpose and the recipient's
 * categories allow, for people the processing guard allows; every delivery is recorded as a disclosure.
 */
export const webhookEventTypes = [
  'contact.created',
  'contact.updated',
  'contact.erased',
  'contact.deleted',
  'contact.merged',
  'consent.changed',
  'request.fulfilled',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
export const webhookEventTypeSchema = z.enum(webhookEventTypes);

/**
 * `pending` (waiting for its next attempt) → `sending` → `delivered`; `dead` after the last failed attempt
 * (the dead-letter list); `skipped` when nothing may be sent (the guard refuses the person for the purpose,
 * the recipient never received the person an id-only event is about, or the person is gone).
 */
export const webhookDeliveryStatuses = ['pending', 'sending', 'delivered', 'skipped', 'dead'] as const;
export const webhookDeliveryStatusSchema = z.enum(webhookDeliveryStatuses);

export const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  recipientId: z.uuid().describe('the registered recipient (processor, third party…) the URL belongs to'),
  purpose: purposeSchema.describe('the purpose data is sent for: one of the recipient’s purposes'),
  active: z.boolean(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Webhook = z.infer<typeof webhookSchema>;

/** Only at creation and rotation: the signing secret, shown once. */
export const webhookWithSecretSchema = webhookSchema.extend({
  secret: z
    .string()
    .describe('HMAC-SHA256 key of the `Custodian-Signature` header; shown only now, store it safely'),
});
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

const urlField = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));
const eventsField = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(webhookEventTypes.length)
  .refine((list) => new Set(list).size === list.length, { message: 'lists an event twice' });

export const createWebhookBody = z.object({
  url: urlField,
  events: eventsField,
  recipientId: z.uuid(),
  purpose: purposeSchema,
  active: z.boolean().default(true),
});
export type CreateWebhookInput = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z
  .object({
    url: urlField,
    events: eventsField,
    recipientId: z.uuid(),
    purpose: purposeSchema,
    active: z.boolean(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateWebhookInput = z.infer<typeof updateWebhookBody>;

export const webhookDeliverySchema = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: webhookEventTypeSchema,
  status: webhookDeliveryStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: isoDateTime.nullable(),
  lastAttemptAt: isoDateTime.nullable(),
  lastStatus: z.number().int().nullable().describe('the HTTP status of the last attempt'),
  lastError: z
    .string()
    .nullable()
    .describe(
      'why the last attempt failed or was skipped: http_status, timeout, network, address_refused, not_allowed, purpose_not_allowed, not_disclosed, gone…',
    ),
  deliveredAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveriesQuery = z.object({
  status: webhookDeliveryStatusSchema.optional().describe('`dead` lists the dead letters'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const deliveryParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });
const tags = ['integrations'] as const;

export const listWebhooks = defineEndpoint({
  method: 'GET',
  path: '/api/v1/webhooks',
  summary: 'Webhook subscriptions (never their secrets)',
  tags,
  access: requires('webhooks:manage'),
  response: { 200: z.object({ items: z.array(webhookSchema) }) },
});
export const getWebhook = defineEndpoint({
  method: 'GET',
  path: '/api/v1/webhooks/:id',
  summary: 'One webhook subscription (never its secret)',
  tags,
  access: requires('webhooks:manage'),
  params: idParams,
  response: { 200: webhookSchema },
});
export const createWebhook = defineEndpoint({
  method: 'POST',
  path: '/api/v1/webhooks',
  summary:
    'Subscribe a registered recipient’s URL to events, under one of its purposes. The answer holds the signing secret, shown this once.',
  tags,
  access: requires('webhooks:manage'),
  body: createWebhookBody,
  response: { 201: webhookWithSecretSchema },
});
export const updateWebhook = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/webhooks/:id',
  summary: 'Change a subscription (URL, events, recipient, purpose, active)',
  tags,
  access: requires('webhooks:manage'),
  params: idParams,
  body: updateWebhookBody,
  response: { 200: webhookSchema },
});
export const deleteWebhook = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/webhooks/:id',
  summary: 'Remove a subscription with its deliveries (the disclosures stay in the audit trail)',
  tags,
  access: requires('webhooks:manage'),
  params: idParams,
  response: { 204: emptyResponse },
});
export const rotateWebhookSecret = defineEndpoint({
  method: 'POST',
  path: '/api/v1/webhooks/:id/rotate-secret',
  summary: 'Replace the signing secret at once; the new one is shown this once',
  tags,
  access: requires('webhooks:manage'),
  params: idParams,
  response: { 200: webhookWithSecretSchema },
});
export const listWebhookDeliveries = defineEndpoint({
  method: 'GET',
  path: '/api/v1/webhooks/:id/deliveries',
  summary: 'Deliveries of a subscription, newest first; `?status=dead` is the dead-letter list',
  tags,
  access: requires('webhooks:manage'),
  params: idParams,
  querystring: webhookDeliveriesQuery,
  response: { 200: z.object({ items: z.array(webhookDeliverySchema) }) },
});
export const redeliverWebhook = defineEndpoint({
  method: 'POST',
  path: '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
  summary:
    'Send a dead (or delivered) delivery again, from its first attempt; the payload is built anew, as the data is now',
  tags,
  access: requires('webhooks:manage'),
  params: deliveryParams,
  response: { 202: webhookDeliverySchema },
});
