import { z } from 'zod';
import { defineEndpoint, requires } from './endpoint.js';

/**
 * The analytics export: records of contacts, deals or activities without identifiers, k-anonymous on the
 * quasi-identifiers chosen: every released combination of their values is shared by at least k records.
 */
export const analyticsEntities = ['contacts', 'deals', 'activities'] as const;
export const analyticsEntitySchema = z.enum(analyticsEntities);
export type AnalyticsEntity = z.infer<typeof analyticsEntitySchema>;

/** The quasi-identifiers each entity offers (all by default), each generalised along its own ladder. */
export const quasiIdentifiersOf = {
  contacts: ['created', 'lifecycleStage', 'source', 'country', 'birthYears'],
  deals: ['created', 'closed', 'stage', 'currency', 'amount'],
  activities: ['occurred', 'type', 'direction', 'duration'],
} as const satisfies Record<AnalyticsEntity, readonly string[]>;

export const analyticsExportQuery = z
  .object({
    entity: analyticsEntitySchema,
    quasiIdentifiers: z
      .string()
      .max(200)
      .optional()
      .describe('comma-separated, from the entity’s list (default: all of them)'),
    k: z.coerce.number().int().min(2).max(1000).default(10),
    maxSuppression: z.coerce
      .number()
      .min(0)
      .max(0.5)
      .default(0.05)
      .describe('the share of records that may be left out rather than generalise further'),
  })
  .superRefine((q, ctx) => {
    if (q.quasiIdentifiers === undefined) return;
    const allowed = quasiIdentifiersOf[q.entity] as readonly string[];
    const named = q.quasiIdentifiers.split(',').map((s) => s.trim());
    if (named.some((n) => !allowed.includes(n)) || new Set(named).size !== named.length)
      ctx.addIssue({
        code: 'custom',
        path: ['quasiIdentifiers'],
        message: `must name each once, from ${allowed.join(', ')}`,
      });
  });
export type AnalyticsExportQuery = z.infer<typeof analyticsExportQuery>;

export const analyticsExportSchema = z.object({
  entity: analyticsEntitySchema,
  k: z.number().int(),
  /** The smallest group released; null when nothing could be released. */
  kAchieved: z.number().int().nullable(),
  quasiIdentifiers: z.array(z.object({ name: z.string(), level: z.string() })),
  records: z.number().int(),
  released: z.number().int(),
  suppressed: z.number().int(),
  groups: z.number().int(),
  /** Records left out because the processing guard refuses them for analytics (contacts only). */
  refused: z.number().int(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number()]))),
});
export type AnalyticsExport = z.infer<typeof analyticsExportSchema>;

export const exportAnalytics = defineEndpoint({
  method: 'GET',
  path: '/api/v1/analytics/export',
  summary:
    'Records for statistics, k-anonymous on the chosen quasi-identifiers: dates, places, ages and amounts are generalised and groups still below k suppressed, and the k achieved reported. Contacts the processing guard refuses for analytics are left out; anonymised former contacts are included.',
  tags: ['privacy'],
  access: requires('contacts:export'),
  querystring: analyticsExportQuery,
  response: { 200: analyticsExportSchema },
});

export const exportAnalyticsCsv = defineEndpoint({
  method: 'GET',
  path: '/api/v1/analytics/export.csv',
  summary:
    'The analytics export as CSV (the figures of the JSON answer are in X-K-Achieved and X-Suppressed)',
  tags: ['privacy'],
  access: requires('contacts:export'),
  querystring: analyticsExportQuery,
  response: { 200: z.string().describe('CSV (RFC 4180), UTF-8, with a header row') },
});
