import { z } from 'zod';
import { gpcOutcomeSchema, idParams } from './common.js';
import { consentStatuses } from './consents.js';
import { defineEndpoint, publicAccess, requires } from './endpoint.js';
import { lawfulBasisSchema, purposeSchema } from './purposes.js';

/**
 * The preference centre: a signed link per person to see and change their subscriptions per purpose, with no
 * sign-in. Consent purposes are subscribed to (under the notice in force) and withdrawn; purposes on legitimate
 * interests for direct marketing or profiling can be objected to (Art. 21(2)–(3)) and the objection withdrawn.
 */
export const preferenceSchema = z.object({
  purpose: purposeSchema,
  name: z.string(),
  description: z.string(),
  lawfulBasis: lawfulBasisSchema,
  /** `subscribe` for consent purposes, `object` for those a person may object to. */
  choice: z.enum(['subscribe', 'object']),
  consent: z.enum(consentStatuses).nullable().describe('For consent purposes'),
  objected: z.boolean(),
  /** Whether the purpose processes the person now, as the guard decides. */
  active: z.boolean(),
  /** The notice a subscription is given under: shown before subscribing. */
  notice: z.object({ id: z.uuid(), language: z.string(), text: z.string() }).nullable(),
});
export const preferencesSchema = z.object({
  purposes: z.array(preferenceSchema),
  /** A `Sec-GPC: 1` signal on this call is honoured as the person's opt-out of sale and sharing. */
  gpc: gpcOutcomeSchema,
});
export type Preferences = z.infer<typeof preferencesSchema>;

const tokenQuery = z.object({ token: z.string().min(20).max(200) });

export const getPreferenceLink = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id/preference-link',
  summary: 'The person’s signed preference-centre link, to send them (campaign mails carry it too)',
  tags: ['consent'],
  access: requires('consents:record'),
  params: idParams,
  response: { 200: z.object({ url: z.string() }) },
});
export const getPreferences = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/preferences',
  summary:
    'The preference centre: a person’s subscriptions and objections per purpose (signed link, no sign-in)',
  tags: ['public'],
  access: publicAccess,
  querystring: tokenQuery,
  response: { 200: preferencesSchema },
});
export const updatePreferencesBody = z.object({
  changes: z
    .array(
      z.object({
        purpose: purposeSchema,
        /** For `subscribe` purposes: true subscribes under the notice shown, false withdraws. */
        subscribed: z.boolean().optional(),
        /** For `object` purposes: true objects, false withdraws the objection. */
        objected: z.boolean().optional(),
        language: z
          .string()
          .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
          .optional(),
      }),
    )
    .min(1)
    .max(20),
});
export const updatePreferences = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/preferences',
  summary:
    'Change subscriptions and objections; each change is an event in the consent ledger, effective at once',
  tags: ['public'],
  access: publicAccess,
  querystring: tokenQuery,
  body: updatePreferencesBody,
  response: { 200: preferencesSchema },
});

/** The preference centre as a page without script (the portal's page links to it from a noscript). */
export const preferencesPage = defineEndpoint({
  method: 'GET',
  path: '/privacy/preferences/basic',
  summary: 'The preference-centre page the signed link opens',
  tags: ['public'],
  access: publicAccess,
  querystring: tokenQuery,
  response: { 200: z.string() },
});
export const preferencesPagePost = defineEndpoint({
  method: 'POST',
  path: '/privacy/preferences/basic',
  summary: 'What the preference-centre page posts: one checkbox per purpose shown',
  tags: ['public'],
  access: publicAccess,
  querystring: tokenQuery,
  body: z
    .object({ shown: z.string().max(500) })
    .catchall(z.string().max(10))
    .describe('`shown`: the purposes on the page, comma-separated; a purpose key present (`on`) is ticked'),
  response: { 200: z.string() },
});
