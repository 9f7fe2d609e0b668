import { z } from 'zod';
import { gpcOutcomeSchema, idParams, isoDateTime } from './common.js';
import { contactCorrectionsBody } from './contacts.js';
import { defineEndpoint, publicAccess, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/** What a person can ask for (GDPR Art. 15–21, CCPA/CPRA). */
export const requestTypes = [
  'access', // Art. 15, CCPA right to know
  'portability', // Art. 20
  'rectification', // Art. 16, CCPA right to correct
  'erasure', // Art. 17, CCPA right to delete
  'restriction', // Art. 18
  'objection', // Art. 21, profiling included
  'opt_out_sale_sharing', // CCPA "Do Not Sell or Share"
  'limit_sensitive', // CPRA "Limit the Use of My Sensitive Personal Information"
] as const;
export const requestTypeSchema = z.enum(requestTypes);
export type RequestType = z.infer<typeof requestTypeSchema>;

/** The legal regime whose deadlines apply. */
export const regimes = ['gdpr', 'ccpa'] as const;
export const regimeSchema = z.enum(regimes);
export type Regime = z.infer<typeof regimeSchema>;

export const requestChannels = ['staff', 'email', 'letter', 'phone', 'portal', 'api'] as const;
export const requestStatuses = [
  'received',
  'verifying',
  'in_progress',
  'extended',
  'fulfilled',
  'rejected',
  'closed',
] as const;
export const requestStatusSchema = z.enum(requestStatuses);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const verificationMethods = [
  'email_code',
  'known_email_reply',
  'id_document',
  'in_person',
  'account_login',
  'other',
] as const;

/** The legal grounds for refusing a request. */
export const rejectionReasons = [
  'identity_not_verified', // Art. 12(6), CCPA § 7060
  'manifestly_unfounded', // Art. 12(5)
  'excessive', // Art. 12(5), repetitive
  'exemption_applies', // Art. 17(3), 23; CCPA § 1798.105(d)
  'no_data_held',
  'not_applicable', // e.g. objection to processing on a contract basis
] as const;

const requesterSchema = z.object({
  email: z.string().nullable(),
  name: z.string().nullable(),
});

export const dsrRequestSchema = z.object({
  id: z.uuid(),
  type: requestTypeSchema,
  regime: regimeSchema,
  status: requestStatusSchema,
  channel: z.enum(requestChannels),
  /** The contact the request concerns; null while (or if) the requester is unknown to the CRM. */
  contactId: z.uuid().nullable(),
  requester: requesterSchema,
  /** The request in the requester's words. Masked without the DPO's reveal permissions. */
  details: z.string().nullable(),
  /** For restriction and objection: the purposes concerned (empty: all that the right reaches). */
  purposes: z.array(purposeSchema),
  receivedAt: isoDateTime,
  /** The deadline now in force (the extended one once extended). */
  dueAt: isoDateTime,
  originalDueAt: isoDateTime,
  /** CCPA: confirm receipt within 10 business days. */
  acknowledgeBy: isoDateTime.nullable(),
  acknowledgedAt: isoDateTime.nullable(),
  extendedAt: isoDateTime.nullable(),
  extensionReason: z.string().nullable(),
  verifiedAt: isoDateTime.nullable(),
  verificationMethod: z.enum(verificationMethods).nullable(),
  assignedTo: z.uuid().nullable(),
  rejectionReason: z.enum(rejectionReasons).nullable(),
  duplicateOf: z.uuid().nullable(),
  closedAt: isoDateTime.nullable(),
  overdue: z.boolean(),
  dueSoon: z.boolean(),
  createdAt: isoDateTime,
  restricted: z.array(z.string()),
});
export type DsrRequest = z.infer<typeof dsrRequestSchema>;

export const requestEventSchema = z.object({
  at: isoDateTime,
  action: z.string(),
  fromStatus: requestStatusSchema.nullable(),
  toStatus: requestStatusSchema.nullable(),
  actor: z.object({ type: z.string(), id: z.uuid().nullable() }),
  note: z.string().nullable(),
});
export type RequestEvent = z.infer<typeof requestEventSchema>;

export const createRequestBody = z
  .object({
    type: requestTypeSchema,
    regime: regimeSchema.default('gdpr'),
    channel: z.enum(requestChannels).default('staff'),
    contactId: z.uuid().optional(),
    requester: z
      .object({
        email: z.email().max(254).optional(),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .default({}),
    details: z.string().trim().min(1).max(10_000).optional(),
    purposes: z.array(purposeSchema).max(20).default([]),
    /** When it arrived, if earlier than now (a letter opened today): the deadline runs from receipt. */
    receivedAt: isoDateTime.optional(),
  })
  .refine((b) => b.contactId !== undefined || b.requester.email !== undefined, {
    message: 'name the contact, or give the requester’s e-mail',
    path: ['requester', 'email'],
  })
  .refine((b) => !['opt_out_sale_sharing', 'limit_sensitive'].includes(b.type) || b.regime === 'ccpa', {
    message: 'is a CCPA right: use regime ccpa',
    path: ['regime'],
  });
export type CreateRequestInput = z.infer<typeof createRequestBody>;

export const listRequestsQuery = z.object({
  status: z
    .enum([...requestStatuses, 'open'])
    .optional()
    .describe('`open`: not fulfilled, rejected or closed'),
  type: requestTypeSchema.optional(),
  contactId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const withId = { params: idParams } as const;
const requestAnswer = { 200: dsrRequestSchema } as const;

export const createRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests',
  summary:
    'Record a data-subject request. Its deadline is computed at once from the receipt time and the regime (GDPR one month, CCPA 45 days), in the controller’s time zone.',
  tags: ['requests'],
  access: requires('requests:manage'),
  body: createRequestBody,
  response: { 201: dsrRequestSchema },
});

export const listRequests = defineEndpoint({
  method: 'GET',
  path: '/api/v1/requests',
  summary: 'Requests, soonest due first, each flagged overdue or due soon (within 7 days)',
  tags: ['requests'],
  access: requires('requests:read'),
  querystring: listRequestsQuery,
  response: {
    200: z.object({ items: z.array(dsrRequestSchema), nextCursor: z.string().nullable() }),
  },
});

export const getRequest = defineEndpoint({
  method: 'GET',
  path: '/api/v1/requests/:id',
  summary: 'One request',
  tags: ['requests'],
  access: requires('requests:read'),
  ...withId,
  response: requestAnswer,
});

export const getRequestHistory = defineEndpoint({
  method: 'GET',
  path: '/api/v1/requests/:id/history',
  summary: 'Every step of a request: who, when, from which status to which, and notes',
  tags: ['requests'],
  access: requires('requests:read'),
  ...withId,
  response: { 200: z.object({ items: z.array(requestEventSchema) }) },
});

export const verifyRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/verify',
  summary: 'Record how the requester’s identity was verified; the request moves on to in progress',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({
    method: z.enum(verificationMethods),
    note: z.string().trim().min(1).max(2000).optional(),
    contactId: z.uuid().optional().describe('The contact the verified requester turned out to be'),
  }),
  response: requestAnswer,
});

export const extendRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/extend',
  summary:
    'Extend the deadline once (GDPR: two further months; CCPA: 45 days), with the reason the requester must be told before the first deadline',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({ reason: z.string().trim().min(10).max(2000) }),
  response: requestAnswer,
});

export const acknowledgeRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/acknowledge',
  summary: 'Record that receipt was confirmed to the requester (CCPA: within 10 business days)',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  response: requestAnswer,
});

export const assignRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/assign',
  summary: 'Assign the request to a staff member (or null to unassign)',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({ userId: z.uuid().nullable() }),
  response: requestAnswer,
});

export const rejectRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/reject',
  summary: 'Refuse the request with its legal reason',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({
    reason: z.enum(rejectionReasons),
    note: z.string().trim().min(1).max(2000).optional(),
  }),
  response: requestAnswer,
});

export const fulfilRequestBody = z.object({
  corrections: contactCorrectionsBody.optional(),
  note: z.string().trim().min(1).max(2000).optional(),
});
export type FulfilRequestInput = z.infer<typeof fulfilRequestBody>;

export const fulfilRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/fulfil',
  summary:
    'Carry out a verified request. Restriction, objection and the CCPA opt-outs append their choices to the person’s ledger, so the processing guard answers accordingly; rectification applies `corrections` to the contact.',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: fulfilRequestBody,
  response: requestAnswer,
});

export const closeRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/close',
  summary: 'Close a fulfilled or rejected request once the answer was sent',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({ note: z.string().trim().min(1).max(2000).optional() }),
  response: requestAnswer,
});

export const addRequestNote = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/notes',
  summary: 'An internal note on the request (do not write other people’s personal data into it)',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({ note: z.string().trim().min(1).max(5000) }),
  response: { 201: requestEventSchema },
});

export const submitPublicRequestBody = z
  .object({
    type: requestTypeSchema,
    regime: regimeSchema.default('gdpr'),
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).optional(),
    details: z.string().trim().min(1).max(10_000).optional(),
    purposes: z.array(purposeSchema).max(20).default([]),
  })
  .refine((b) => !['opt_out_sale_sharing', 'limit_sensitive'].includes(b.type) || b.regime === 'ccpa', {
    message: 'is a CCPA right: use regime ccpa',
    path: ['regime'],
  });
export type SubmitPublicRequestInput = z.infer<typeof submitPublicRequestBody>;

export const submitPublicRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/requests',
  summary:
    'A person exercises a right themselves. The request is recorded whoever they are; if the CRM holds the address, a one-time code is mailed to it to verify their identity. The answer is the same either way.',
  tags: ['public'],
  access: publicAccess,
  body: submitPublicRequestBody,
  response: {
    202: z.object({
      requestId: z.uuid(),
      message: z.string(),
    }),
  },
});

/**
 * Why a verification code did not work: the `issue` of the `body.code` field in the problem, fixed words a
 * page can tell apart (and translate) without parsing the detail.
 */
export const codeIssues = {
  wrong: 'is not the code that was sent',
  used: 'was already used',
  expired: 'has expired',
  tooMany: 'had too many wrong tries: ask again',
  noLonger: 'is no longer needed: the request does not await a code',
} as const;

export const verifyPublicRequest = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/requests/:id/verify',
  summary:
    'Verify a request with the code mailed to the requester: single use, expiring after 30 minutes, five attempts',
  tags: ['public'],
  access: publicAccess,
  params: idParams,
  body: z.object({ code: z.string().regex(/^[0-9]{6}$/, 'must be the 6-digit code from the e-mail') }),
  response: {
    200: z.object({
      status: z.literal('verified'),
      /** The page where the requester follows the request (a signed link; also mailed). */
      statusUrl: z.string(),
      /** A `Sec-GPC: 1` signal on this call is honoured for the person the request is about. */
      gpc: gpcOutcomeSchema,
    }),
  },
});

/** A step of a request as its requester sees it: when it reached which status (no notes, no staff). */
export const publicRequestStepSchema = z.object({ at: isoDateTime, status: requestStatusSchema });

/** What a requester may see of their request: dates and states, nothing personal, nothing about staff. */
export const publicRequestStatusSchema = z.object({
  id: z.uuid(),
  type: requestTypeSchema,
  regime: regimeSchema,
  status: requestStatusSchema,
  receivedAt: isoDateTime,
  dueAt: isoDateTime,
  extended: z.boolean(),
  extensionReason: z.string().nullable(),
  verifiedAt: isoDateTime.nullable(),
  fulfilledAt: isoDateTime.nullable(),
  rejectedAt: isoDateTime.nullable(),
  rejectionReason: z.enum(rejectionReasons).nullable(),
  closedAt: isoDateTime.nullable(),
  timeline: z.array(publicRequestStepSchema),
});
export type PublicRequestStatus = z.infer<typeof publicRequestStatusSchema>;

export const getPublicRequestStatus = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/requests/:id/status',
  summary:
    'Follow one’s own request with the signed link from the mails: its type, deadline, extension, state and the dates it changed. A wrong token answers as a missing request.',
  tags: ['public'],
  access: publicAccess,
  params: idParams,
  querystring: z.object({ token: z.string().min(10).max(100) }),
  response: { 200: publicRequestStatusSchema },
});
