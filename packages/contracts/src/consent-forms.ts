import { z } from 'zod';
import { isoDateTime } from './common.js';
import { ageCheckMethods, jurisdictionSchema } from './consents.js';
import { defineEndpoint, publicAccess, requires } from './endpoint.js';
import { languageTagSchema, noticeKeySchema } from './notices.js';
import { purposeSchema } from './purposes.js';

export const consentFormSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The notice shown on the form: its current version is the one people consent under. */
  noticeKey: noticeKeySchema,
  purposes: z.array(purposeSchema),
  /** Whether a consent counts only once confirmed through the link mailed to the address given. */
  doubleOptIn: z.boolean(),
  active: z.boolean(),
  createdAt: isoDateTime,
});
export type ConsentForm = z.infer<typeof consentFormSchema>;

export const createConsentFormBody = z.object({
  name: z.string().trim().min(1).max(200),
  noticeKey: noticeKeySchema,
  purposes: z.array(purposeSchema).min(1).max(20),
  doubleOptIn: z.boolean().default(true),
});
export type CreateConsentFormInput = z.infer<typeof createConsentFormBody>;

export const createConsentForm = defineEndpoint({
  method: 'POST',
  path: '/api/v1/consent-forms',
  summary:
    'Create a public consent form bound to a published notice whose purposes cover the form’s purposes',
  tags: ['consent'],
  access: requires('purposes:manage'),
  body: createConsentFormBody,
  response: { 201: consentFormSchema },
});

export const listConsentForms = defineEndpoint({
  method: 'GET',
  path: '/api/v1/consent-forms',
  summary: 'The public consent forms',
  tags: ['consent'],
  access: requires('catalog:read'),
  response: { 200: z.object({ items: z.array(consentFormSchema) }) },
});

export const consentChallengeSchema = z.object({
  /** Opaque and signed; send it back with the form. */
  challenge: z.string(),
  /** Find a `solution` such that SHA-256(challenge + ":" + solution) starts with this many zero bits. */
  difficulty: z.number().int(),
  expiresAt: isoDateTime,
});

export const getConsentChallenge = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/consent/challenge',
  summary:
    'A proof-of-work challenge for a consent form: the bot check, answered by the browser in a fraction of a second, with no third party',
  tags: ['public'],
  access: publicAccess,
  querystring: z.object({ formId: z.uuid() }),
  response: { 200: consentChallengeSchema },
});

export const submitConsentBody = z.object({
  formId: z.uuid(),
  email: z.email().max(254),
  firstName: z.string().trim().min(1).max(100).optional(),
  lastName: z.string().trim().min(1).max(100).optional(),
  /** The language the notice was shown in. */
  language: languageTagSchema,
  jurisdiction: jurisdictionSchema.optional(),
  ageCheck: z.object({ method: z.enum(ageCheckMethods), age: z.number().int().min(0).max(130) }).optional(),
  parentalConsentReference: z.string().trim().min(1).max(200).optional(),
  /** Where the form was shown; its query is dropped. */
  pageUrl: z.url().max(2000).optional(),
  challenge: z.string().max(500),
  solution: z.string().max(100),
  /** Left empty by people; bots fill it in. */
  website: z.string().max(500).optional(),
});
export type SubmitConsentInput = z.infer<typeof submitConsentBody>;

export const submitConsent = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/consent',
  summary:
    'Give consent on a public form. With double opt-in the consent is pending until the link mailed to the address is followed. The answer is the same whether or not the address was known. `Sec-GPC: 1` is honoured as an opt-out of sale and sharing.',
  tags: ['public'],
  access: publicAccess,
  body: submitConsentBody,
  response: { 202: z.object({ status: z.enum(['confirmation_sent', 'recorded']) }) },
});

export const confirmConsentBody = z.object({ token: z.string().min(20).max(100) });

export const confirmConsent = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/consent/confirm',
  summary: 'Confirm a double opt-in with the token of the mailed link (single use, expiring)',
  tags: ['public'],
  access: publicAccess,
  body: confirmConsentBody,
  response: {
    200: z.object({
      status: z.literal('confirmed'),
      purposes: z.array(purposeSchema),
      /** The purposes' names, in the order of `purposes`. */
      purposeNames: z.array(z.string()),
    }),
  },
});

export const confirmConsentPage = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/consent/confirm',
  summary:
    'The page the mailed link opens: one button confirms. (A GET never confirms by itself, so mail scanners that follow links cannot.)',
  tags: ['public'],
  access: publicAccess,
  querystring: z.object({ token: z.string().max(100) }),
  response: { 200: z.string() },
});

export const confirmConsentPagePost = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/consent/confirm.html',
  summary: 'What the button of the confirmation page posts (a form): confirms and answers with a page',
  tags: ['public'],
  access: publicAccess,
  body: z.object({ token: z.string().max(100) }),
  response: { 200: z.string() },
});
