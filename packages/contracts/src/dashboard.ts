import { z } from 'zod';
import { isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/** What the privacy officer's dashboard shows: each figure counted live from the records themselves. */
export const complianceDashboardSchema = z.object({
  generatedAt: isoDateTime,
  requests: z.object({
    open: z.number().int(),
    overdue: z.number().int(),
    dueWithin7Days: z.number().int(),
    /** Open requests per due day (in TIME_ZONE), the next 45 days and anything overdue. */
    byDueDate: z.array(z.object({ date: z.iso.date(), count: z.number().int() })),
  }),
  consent: z.array(
    z.object({
      purpose: purposeSchema,
      given: z.number().int(),
      pending: z.number().int(),
      withdrawn: z.number().int(),
      refused: z.number().int(),
      expired: z.number().int(),
      /** given / (everyone asked: given, pending, withdrawn, refused, expired); null when nobody was asked. */
      rate: z.number().nullable(),
    }),
  ),
  retention: z.object({
    /** Records past their retention date now, per enabled policy (what the next sweep will handle). */
    pastDue: z.number().int(),
    held: z.number().int(),
    byPolicy: z.array(
      z.object({ policyId: z.uuid(), name: z.string(), due: z.number().int(), held: z.number().int() }),
    ),
    lastRun: z.object({ id: z.uuid(), status: z.string(), startedAt: isoDateTime }).nullable(),
  }),
  breaches: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      authorityDeadline: isoDateTime,
      hoursLeft: z.number(),
      overdue: z.boolean(),
    }),
  ),
  recipientsReviewDue: z.array(z.object({ id: z.uuid(), name: z.string(), dpaReviewAt: z.iso.date() })),
  /** Signed-off impact assessments whose review date (Art. 35(11)) has come. */
  dpiasReviewDue: z.array(z.object({ id: z.uuid(), title: z.string(), reviewAt: z.iso.date() })),
  /** Notices to people about breaches (Art. 34) still waiting for the mail job. */
  breachNoticesQueued: z.number().int(),
  audit: z.object({
    unsealed: z.number().int(),
    lastVerification: z.object({ at: isoDateTime, intact: z.boolean() }).nullable(),
  }),
  scanner: z.object({ open: z.number().int(), openSpecialCategories: z.number().int() }),
});
export type ComplianceDashboard = z.infer<typeof complianceDashboardSchema>;

export const getComplianceDashboard = defineEndpoint({
  method: 'GET',
  path: '/api/v1/compliance/dashboard',
  summary:
    'The privacy officer’s dashboard: open and overdue requests, consent rates per purpose, records past retention, breaches with running clocks, processor reviews due, audit chain status, open scanner findings',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  response: { 200: complianceDashboardSchema },
});
