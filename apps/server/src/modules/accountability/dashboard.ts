import type { ComplianceDashboard, Purpose } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, queryRows } from '../../platform/db/database.js';
import { recordAudit } from '../audit/index.js';
import { findRunningClocks, presentBreach } from '../breaches/index.js';
import { customKeysByCategory, findPoliciesToApply, reportPolicy } from '../retention/index.js';

const int = (v: unknown) => Number(v ?? 0);

/** The dashboard's figures, each one query over the records themselves (nothing cached, nothing typed in). */
export async function buildComplianceDashboard({
  db,
  keys,
  ctx,
  timeZone,
}: {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
  timeZone: string;
}): Promise<ComplianceDashboard> {
  assertPermission(ctx.actor, 'breaches:manage');
  const now = new Date();

  const openRequests = await queryRows<{ due_at: string | Date }>(
    db,
    sql`select due_at from dsr_requests where status not in ('fulfilled', 'rejected', 'closed')`,
  );
  const horizon = now.getTime() + 45 * 86_400_000;
  const byDay = new Map<string, number>();
  for (const r of openRequests) {
    const due = new Date(r.due_at);
    if (due.getTime() > horizon) continue;
    const day = DateTime.fromJSDate(due, { zone: timeZone }).toISODate()!;
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }
  const requests = {
    open: openRequests.length,
    overdue: openRequests.filter((r) => new Date(r.due_at).getTime() < now.getTime()).length,
    dueWithin7Days: openRequests.filter((r) => {
      const t = new Date(r.due_at).getTime();
      return t >= now.getTime() && t <= now.getTime() + 7 * 86_400_000;
    }).length,
    byDueDate: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count })),
  };

  const consentRows = await queryRows<Record<string, string | number>>(
    db,
    sql`select p.key as purpose,
               count(*) filter (where s.consent = 'given')::int as given,
               count(*) filter (where s.consent = 'pending')::int as pending,
               count(*) filter (where s.consent = 'withdrawn')::int as withdrawn,
               count(*) filter (where s.consent = 'refused')::int as refused,
               count(*) filter (where s.consent = 'expired')::int as expired
        from purposes p left join consent_states s on s.purpose = p.key
        group by p.key order by p.key`,
  );
  const consent = consentRows.map((r) => {
    const c = {
      given: int(r.given),
      pending: int(r.pending),
      withdrawn: int(r.withdrawn),
      refused: int(r.refused),
      expired: int(r.expired),
    };
    const asked = c.given + c.pending + c.withdrawn + c.refused + c.expired;
    return {
      purpose: r.purpose as Purpose,
      ...c,
      rate: asked === 0 ? null : Math.round((c.given / asked) * 1000) / 1000,
    };
  });

  const custom = await customKeysByCategory(db);
  const byPolicy = [];
  for (const policy of await findPoliciesToApply(db)) {
    const r = await reportPolicy(db, policy, { asOf: now, custom });
    byPolicy.push({ policyId: policy.id, name: policy.name, due: r.due, held: r.held });
  }
  const [lastRun] = await queryRows<{ id: string; status: string; started_at: string | Date }>(
    db,
    sql`select id, status, started_at from retention_runs order by started_at desc limit 1`,
  );

  const breaches = (await findRunningClocks(db)).map((row) => {
    const b = presentBreach(row, timeZone, now);
    return {
      id: b.id,
      title: b.title,
      authorityDeadline: b.authorityDeadline,
      hoursLeft: b.hoursLeft!,
      overdue: b.overdue,
    };
  });

  const reviews = await queryRows<{ id: string; name: string; dpa_review_at: string }>(
    db,
    sql`select id, name, dpa_review_at::text as dpa_review_at from recipients
        where dpa_review_at is not null and dpa_review_at <= current_date order by dpa_review_at`,
  );
  const today = DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
  const dpiaReviews = await queryRows<{ id: string; title: string; review_at: string }>(
    db,
    sql`select id, title, review_at::text as review_at from dpias
        where status = 'signed_off' and review_at <= ${today}::date order by review_at`,
  );
  const [notices] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from breach_notices where status = 'queued'`,
  );
  const [audit] = await queryRows<{ unsealed: number }>(
    db,
    sql`select count(*)::int as unsealed from audit_entries where seq is null`,
  );
  const [verification] = await queryRows<{ occurred_at: string | Date; outcome: string }>(
    db,
    sql`select occurred_at, outcome from audit_entries where action = 'audit.verify' order by id desc limit 1`,
  );
  const [scanner] = await queryRows<{ open: number; special: number }>(
    db,
    sql`select count(*)::int as open,
               count(*) filter (where kinds && '{health,religion,ethnicity,politics,union,sexual_orientation}'::text[])::int as special
        from scanner_findings where status = 'open'`,
  );
  await recordAudit(db, keys, ctx, { action: 'dashboard.read', entityType: 'complianceDashboard' });
  return {
    generatedAt: now.toISOString(),
    requests,
    consent,
    retention: {
      pastDue: byPolicy.reduce((n, p) => n + p.due, 0),
      held: byPolicy.reduce((n, p) => n + p.held, 0),
      byPolicy,
      lastRun: lastRun
        ? { id: lastRun.id, status: lastRun.status, startedAt: new Date(lastRun.started_at).toISOString() }
        : null,
    },
    breaches,
    recipientsReviewDue: reviews.map((r) => ({ id: r.id, name: r.name, dpaReviewAt: r.dpa_review_at })),
    dpiasReviewDue: dpiaReviews.map((r) => ({ id: r.id, title: r.title, reviewAt: r.review_at })),
    breachNoticesQueued: int(notices?.n),
    audit: {
      unsealed: int(audit?.unsealed),
      lastVerification: verification
        ? { at: new Date(verification.occurred_at).toISOString(), intact: verification.outcome === 'success' }
        : null,
    },
    scanner: { open: int(scanner?.open), openSpecialCategories: int(scanner?.special) },
  };
}
