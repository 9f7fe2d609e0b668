import {
  type AnalyticsEntity,
  type AnalyticsExport,
  type AnalyticsExportQuery,
  quasiIdentifiersOf,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { type Db, queryRows } from '../../platform/db/database.js';
import type { ProcessingGuard } from '../../platform/guard.js';
import { recordAudit } from '../audit/index.js';
import { type ContactDeps, countryOf, readAllowedContacts } from '../contacts/index.js';
import { activityAndDealCounts, birthYearsOf } from './anonymise.js';
import { kAnonymise, ladders, type QuasiIdentifier } from './k-anonymity.js';

/** EU member states, Iceland, Liechtenstein and Norway: the coarser step of a country. */
const eea = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '),
);

/** `1980-1984` → the band of `width` years its first year falls in. */
function yearBand(band: string | null, width: number): string {
  if (!band) return 'unknown';
  const low = Math.floor(Number(band.slice(0, 4)) / width) * width;
  return `${low}-${low + width - 1}`;
}

interface ContactFacts {
  created: string;
  lifecycleStage: string;
  source: string;
  country: string | null;
  birthYears: string | null;
  activities: number;
  dealsWon: number;
}
interface DealFacts {
  created: string;
  closed: string | null;
  stage: string;
  currency: string | null;
  amount: number | null;
  contacts: number;
}
interface ActivityFacts {
  occurred: string;
  type: string;
  direction: string | null;
  duration: number | null;
  people: number;
}

const contactQuasi: Record<string, QuasiIdentifier<ContactFacts>['levels']> = {
  created: ladders.month((r) => r.created),
  lifecycleStage: ladders.category((r) => r.lifecycleStage),
  source: ladders.category((r) => r.source),
  country: [
    { name: 'country', value: (r) => r.country ?? 'unknown' },
    {
      name: 'EEA or not',
      value: (r) => (r.country ? (eea.has(r.country) ? 'EEA' : 'outside EEA') : 'unknown'),
    },
    { name: 'any', value: () => '*' },
  ],
  birthYears: [
    { name: '5 years', value: (r) => r.birthYears ?? 'unknown' },
    { name: '10 years', value: (r) => yearBand(r.birthYears, 10) },
    { name: '20 years', value: (r) => yearBand(r.birthYears, 20) },
    { name: 'any', value: () => '*' },
  ],
};
const dealQuasi: Record<string, QuasiIdentifier<DealFacts>['levels']> = {
  created: ladders.month((r) => r.created),
  closed: ladders.month((r) => r.closed),
  stage: ladders.category((r) => r.stage),
  currency: ladders.category((r) => r.currency),
  amount: ladders.bands((r) => r.amount, [1000, 10_000, 100_000]),
};
const activityQuasi: Record<string, QuasiIdentifier<ActivityFacts>['levels']> = {
  occurred: ladders.month((r) => r.occurred),
  type: ladders.category((r) => r.type),
  direction: ladders.category((r) => r.direction),
  duration: ladders.bands((r) => r.duration, [15, 60, 240], ' min'),
};

/** Counts exported beside the quasi-identifiers, in bands so that an outlier does not single anyone out. */
const countBand = (n: number) => (n === 0 ? '0' : n < 5 ? '1-4' : n < 20 ? '5-19' : '20+');

interface Deps extends ContactDeps {
  guard: ProcessingGuard;
  ctx: RequestContext;
}

/** Live contacts the guard allows for analytics, read in pages (each audited), and the anonymised ones. */
async function contactFacts(deps: Deps): Promise<{ facts: ContactFacts[]; refused: number }> {
  const facts: ContactFacts[] = [];
  const { refused } = await readAllowedContacts(
    deps,
    { purpose: 'analytics', audit: { action: 'analytics.export', entityType: 'contact' } },
    async (tx, page) => {
      const counts = await activityAndDealCounts(
        tx,
        page.map((o) => o.row.id),
      );
      for (const o of page)
        facts.push({
          created: o.row.createdAt.toISOString(),
          lifecycleStage: o.row.lifecycleStage,
          source: o.row.source,
          country: countryOf(o.personal),
          birthYears: birthYearsOf(o.personal.dateOfBirth),
          activities: counts.get(o.row.id)?.activities ?? 0,
          dealsWon: counts.get(o.row.id)?.dealsWon ?? 0,
        });
    },
  );
  const { db } = deps;
  const anonymous = await queryRows<{
    created_month: string;
    lifecycle_stage: string;
    source: string;
    country: string | null;
    birth_years: string | null;
    activities: number;
    deals_won: number;
  }>(db, sql`select * from anonymous_records where kind = 'contact'`);
  for (const a of anonymous)
    facts.push({
      created: a.created_month,
      lifecycleStage: a.lifecycle_stage,
      source: a.source,
      country: a.country,
      birthYears: a.birth_years,
      activities: Number(a.activities),
      dealsWon: Number(a.deals_won),
    });
  return { facts, refused };
}

async function dealFacts(db: Db): Promise<DealFacts[]> {
  const rows = await queryRows<{
    created: string | Date;
    closed: string | Date | null;
    stage: string;
    currency: string | null;
    amount: number | null;
    contacts: number;
  }>(
    db,
    sql`select d.created_at as created, d.closed_at as closed, s.kind as stage, d.currency,
               d.amount_minor / 100 as amount,
               (select count(*) from deal_contacts dc where dc.deal_id = d.id)::int as contacts
        from deals d join pipeline_stages s on s.id = d.stage_id`,
  );
  return rows.map((r) => ({
    created: new Date(r.created).toISOString(),
    closed: r.closed ? new Date(r.closed).toISOString() : null,
    stage: r.stage,
    currency: r.currency,
    amount: r.amount === null ? null : Number(r.amount),
    contacts: Number(r.contacts),
  }));
}

async function activityFacts(db: Db): Promise<ActivityFacts[]> {
  const rows = await queryRows<{
    occurred: string | Date;
    type: string;
    direction: string | null;
    duration: number | null;
    people: number;
  }>(
    db,
    sql`select a.occurred_at as occurred, a.type, a.direction, a.duration_minutes as duration,
               (select count(*) from activity_contacts ac where ac.activity_id = a.id)::int as people
        from activities a`,
  );
  return rows.map((r) => ({
    occurred: new Date(r.occurred).toISOString(),
    type: r.type,
    direction: r.direction,
    duration: r.duration === null ? null : Number(r.duration),
    people: Number(r.people),
  }));
}

function release<R>(
  entity: AnalyticsEntity,
  records: readonly R[],
  ladders: Record<string, QuasiIdentifier<R>['levels']>,
  measures: Record<string, (r: R) => string | number>,
  query: AnalyticsExportQuery,
  refused: number,
): AnalyticsExport {
  const names = query.quasiIdentifiers
    ? query.quasiIdentifiers.split(',').map((s) => s.trim())
    : [...quasiIdentifiersOf[entity]];
  const quasi = names.map((name) => ({ name, levels: ladders[name]! }));
  const result = kAnonymise(records, quasi, query.k, query.maxSuppression);
  const columns = [...names, ...Object.keys(measures)];
  // Released rows in a stable order that says nothing about the order records were written in.
  const rows = result.rows
    .map((r) => [...names.map((n) => r.values[n]!), ...Object.values(measures).map((m) => m(r.record))])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    entity,
    k: query.k,
    kAchieved: result.kAchieved,
    quasiIdentifiers: names.map((name) => ({ name, level: result.levels[name]!.name })),
    records: records.length,
    released: result.rows.length,
    suppressed: result.suppressed,
    groups: result.groups,
    refused,
    columns,
    rows,
  };
}

export async function exportAnalytics(
  deps: Deps & { query: AnalyticsExportQuery },
): Promise<AnalyticsExport> {
  const { db, ctx, query } = deps;
  assertPermission(ctx.actor, 'contacts:export');
  let answer: AnalyticsExport;
  if (query.entity === 'contacts') {
    const { facts, refused } = await contactFacts(deps);
    answer = release(
      'contacts',
      facts,
      contactQuasi,
      { activities: (r) => countBand(r.activities), dealsWon: (r) => countBand(r.dealsWon) },
      query,
      refused,
    );
  } else if (query.entity === 'deals')
    answer = release(
      'deals',
      await dealFacts(db),
      dealQuasi,
      { contacts: (r) => countBand(r.contacts) },
      query,
      0,
    );
  else
    answer = release(
      'activities',
      await activityFacts(db),
      activityQuasi,
      { people: (r) => countBand(r.people) },
      query,
      0,
    );
  await recordAudit(db, deps.keys, ctx, {
    action: 'analytics.release',
    entityType: `analytics:${query.entity}`,
    entityId: `k=${query.k};achieved=${answer.kAchieved ?? 'none'};released=${answer.released}`,
  });
  return answer;
}
