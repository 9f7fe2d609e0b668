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

export const consentTrendIntervals = ['week', 'month'] as const;

/** Each period the trend samples: its first and last day (in TIME_ZONE) and the instant it ends. */
const trendPeriodSchema = z.object({ start: z.iso.date(), end: z.iso.date(), endsAt: isoDateTime });

export const consentTrendsQuery = z
  .object({
    from: z.iso.date().describe('First day of the first period'),
    to: z.iso.date().describe('Last day of the last period'),
    interval: z.enum(consentTrendIntervals).default('month'),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine(
    (q) => {
      const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
      return days <= (q.interval === 'week' ? 7 * 156 : 31 * 120);
    },
    { path: ['from'], message: 'too many periods: at most 156 weeks or 120 months' },
  );
export type ConsentTrendsQuery = z.infer<typeof consentTrendsQuery>;

export const consentTrendPointSchema = z.object({
  given: z.number().int(),
  pending: z.number().int(),
  withdrawn: z.number().int(),
  refused: z.number().int(),
  expired: z.number().int(),
  /** Everyone asked by the end of the period: given, pending, withdrawn, refused and expired. */
  asked: z.number().int(),
  /** given / asked at the end of the period (the dashboard's rate); null when nobody had been asked. */
  rate: z.number().nullable(),
});

export const consentTrendsSchema = z.object({
  interval: z.enum(consentTrendIntervals),
  periods: z.array(trendPeriodSchema),
  /** One series per purpose, its points in the order of `periods`. */
  purposes: z.array(z.object({ purpose: purposeSchema, points: z.array(consentTrendPointSchema) })),
  generatedAt: isoDateTime,
});
export type ConsentTrends = z.infer<typeof consentTrendsSchema>;

export const getConsentTrends = defineEndpoint({
  method: 'GET',
  path: '/api/v1/compliance/consent-trends',
  summary:
    'Consent rates per purpose over time: at the end of each week or month, the share of the people asked whose consent stood as given, replayed from the consent ledger',
  tags: ['accountability'],
  access: requires('breaches:manage'),
  querystring: consentTrendsQuery,
  response: { 200: consentTrendsSchema },
});
