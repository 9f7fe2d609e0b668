import {
  type ConsentEventKind,
  type ConsentStatus,
  type ConsentTrends,
  type ConsentTrendsQuery,
  consentKinds,
  type Purpose,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, queryRows } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { applyToPurpose, type PurposeState } from '../consents/index.js';

/** The states the dashboard counts as "asked"; `none` (only flags recorded) is not. */
const askedStates = ['given', 'pending', 'withdrawn', 'refused', 'expired'] as const;
type AskedState = (typeof askedStates)[number];
const isAsked = (s: ConsentStatus): s is AskedState => s !== 'none';

const batchSize = 5000;

interface EventRow {
  id: string;
  seq: number | string;
  subject_id: string;
  purpose: string;
  kind: ConsentEventKind;
  notice_id: string | null;
  relates_to: string | null;
  occurred_at: string | Date;
  minor: boolean;
  has_parental_consent: boolean;
}

/** The period ends of the trend: `from` stepped by the interval, the last one cut at the end of `to`. */
export function trendPeriods(query: ConsentTrendsQuery, timeZone: string): ConsentTrends['periods'] {
  const first = DateTime.fromISO(query.from, { zone: timeZone }).startOf('day');
  const last = DateTime.fromISO(query.to, { zone: timeZone }).plus({ days: 1 }).startOf('day');
  const periods: ConsentTrends['periods'] = [];
  for (let start = first; start < last; ) {
    const next = query.interval === 'week' ? start.plus({ weeks: 1 }) : start.plus({ months: 1 });
    const end = next < last ? next : last;
    periods.push({
      start: start.toISODate()!,
      end: end.minus({ days: 1 }).toISODate()!,
      endsAt: end.toUTC().toISO()!,
    });
    start = end;
  }
  return periods;
}

/**
 * Consent per purpose at the end of each period, replayed from the ledger's clear columns only (kind,
 * purpose, time, which event an event closes): nobody's encrypted proof is read. The replay is the one
 * that derives the current state, so the last period ending now gives the dashboard's figures.
 *
 * Each person's state for a purpose adds one to the count of its status from the period in which it took
 * hold until the period in which it changed: counts are kept as differences per period and summed at the end.
 */
export async function buildConsentTrends({
  db,
  keys,
  ctx,
  timeZone,
  query,
}: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  timeZone: string;
  query: ConsentTrendsQuery;
}): Promise<ConsentTrends> {
  assertPermission(ctx.actor, 'breaches:manage');
  const periods = trendPeriods(query, timeZone);
  const ends = periods.map((p) => Date.parse(p.endsAt));
  const until = new Date(ends[ends.length - 1]!);
  const purposes = (await queryRows<{ key: string }>(db, sql`select key from purposes order by key`)).map(
    (r) => r.key,
  );

  // diffs[purpose][status][i]: change in the count of that status at the end of period i.
  const diffs = new Map<string, Record<AskedState, number[]>>();
  const diffOf = (purpose: string) => {
    let d = diffs.get(purpose);
    if (!d) {
      d = Object.fromEntries(askedStates.map((s) => [s, new Array(periods.length + 1).fill(0)])) as Record<
        AskedState,
        number[]
      >;
      diffs.set(purpose, d);
    }
    return d;
  };
  // The first period whose end comes after an instant: the one where a state taken then shows.
  const periodOf = (at: number) => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  let key: string | null = null;
  let state: PurposeState | null = null;
  let shownSince = 0;
  const closeGroup = (purpose: string | undefined, at: number) => {
    if (!purpose || !state || !isAsked(state.consent)) return;
    const d = diffOf(purpose)[state.consent];
    d[shownSince]! += 1;
    d[at]! -= 1;
  };
  let currentPurpose: string | undefined;
  let after: EventRow | null = null;
  for (;;) {
    const rows: EventRow[] = await queryRows<EventRow>(
      db,
      sql`select id, seq, subject_id, purpose, kind, notice_id, relates_to, occurred_at, minor, has_parental_consent
          from consent_events
          where purpose is not null and kind in (${sql.join(
            consentKinds.map((k) => sql`${k}`),
            sql`, `,
          )}) and occurred_at < ${until.toISOString()}::timestamptz
          ${
            after
              ? sql`and (subject_id, purpose, occurred_at, seq) > (${after.subject_id}::uuid, ${after.purpose}, ${new Date(after.occurred_at).toISOString()}::timestamptz, ${Number(after.seq)})`
              : sql``
          }
          order by subject_id, purpose, occurred_at, seq
          limit ${batchSize}`,
    );
    for (const row of rows) {
      const rowKey = `${row.subject_id}/${row.purpose}`;
      const at = new Date(row.occurred_at);
      if (rowKey !== key) {
        closeGroup(currentPurpose, periods.length);
        key = rowKey;
        currentPurpose = row.purpose;
        state = null;
      }
      const next = applyToPurpose(state, {
        id: row.id,
        seq: Number(row.seq),
        kind: row.kind,
        purpose: row.purpose,
        noticeId: row.notice_id,
        relatesTo: row.relates_to,
        occurredAt: at,
        minor: row.minor,
        hasParentalConsent: row.has_parental_consent,
      });
      if (next.consent !== state?.consent) {
        const from = periodOf(at.getTime());
        if (state) closeGroup(row.purpose, from);
        shownSince = from;
      }
      state = next;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]!;
  }
  closeGroup(currentPurpose, periods.length);

  await recordAudit(db, keys, ctx, { action: 'consentTrends.read', entityType: 'complianceDashboard' });
  return {
    interval: query.interval,
    periods,
    purposes: purposes.map((purpose) => {
      const d = diffs.get(purpose);
      const running = { given: 0, pending: 0, withdrawn: 0, refused: 0, expired: 0 };
      return {
        purpose: purpose as Purpose,
        points: periods.map((_, i) => {
          if (d) for (const s of askedStates) running[s] += d[s][i]!;
          const asked = askedStates.reduce((n, s) => n + running[s], 0);
          return {
            ...running,
            asked,
            rate: asked === 0 ? null : Math.round((running.given / asked) * 1000) / 1000,
          };
        }),
      };
    }),
    generatedAt: new Date().toISOString(),
  };
}
