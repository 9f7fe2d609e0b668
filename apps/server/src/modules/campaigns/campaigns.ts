import type { Campaign, CreateCampaignInput, UpdateCampaignInput } from '@custodian/contracts';
import { desc, eq, sql } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { arrayParam } from '../../platform/db/bulk.js';
import { type Db, type Executor, queryRows, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findPurposeRecords } from '../purposes/index.js';
import { assertNoIdentifiers } from '../scanner/index.js';
import { segments } from '../segments/index.js';
import { campaigns } from './schema.js';

export type CampaignRow = typeof campaigns.$inferSelect;

export interface CampaignDeps {
  db: Db;
  keys: KeyRing;
  /** Queues the sending job (at a time); without a queue the campaign waits for a server that has one. */
  enqueue: (campaignId: string, at: Date | null) => Promise<void>;
}

const noCounts = (): Campaign['counts'] => ({
  recipients: 0,
  sent: 0,
  pending: 0,
  refused: [],
  failed: 0,
  uncertain: 0,
  unsubscribed: 0,
  bounced: 0,
  complaints: 0,
  tracked: 0,
  opened: 0,
  clicked: 0,
});

/** The counts of a campaign's messages, by status (and refusal reason). */
export async function countsOf(
  ex: Executor,
  ids: readonly string[],
): Promise<Map<string, Campaign['counts']>> {
  const counts = new Map<string, Campaign['counts']>();
  if (ids.length === 0) return counts;
  const rows = await queryRows<{
    campaign_id: string;
    status: string;
    reason: string | null;
    n: number;
    unsubscribed: number;
    bounced: number;
    complaints: number;
    tracked: number;
    opened: number;
    clicked: number;
  }>(
    ex,
    sql`select campaign_id, status, reason, count(*)::int as n, count(unsubscribed_at)::int as unsubscribed,
          count(bounced_at)::int as bounced, count(complained_at)::int as complaints,
          count(*) filter (where tracked)::int as tracked, count(opened_at)::int as opened,
          count(clicked_at)::int as clicked
        from campaign_messages where campaign_id = any(${arrayParam(ids, 'uuid')})
        group by 1, 2, 3`,
  );
  for (const id of ids) counts.set(id, noCounts());
  for (const r of rows) {
    const c = counts.get(r.campaign_id)!;
    c.recipients += r.n;
    c.unsubscribed += r.unsubscribed;
    c.bounced += r.bounced;
    c.complaints += r.complaints;
    c.tracked += r.tracked;
    c.opened += r.opened;
    c.clicked += r.clicked;
    if (r.status === 'sent')
      c.sent += r.n; // a later DSN keeps it sent, and counts it as bounced too
    else if (r.status === 'pending' || r.status === 'sending') c.pending += r.n;
    else if (r.status === 'failed') c.failed += r.n;
    else if (r.status === 'uncertain') c.uncertain += r.n;
    else if (r.status === 'refused') c.refused.push({ reason: r.reason ?? 'refused', count: r.n });
  }
  for (const c of counts.values())
    c.refused.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return counts;
}

export function presentCampaign(row: CampaignRow, counts: Campaign['counts'] | undefined): Campaign {
  return {
    id: row.id,
    name: row.name,
    purpose: row.purpose as Campaign['purpose'],
    segmentId: row.segmentId,
    subject: row.subject,
    html: row.html,
    text: row.text,
    status: row.status as Campaign['status'],
    scheduledAt: row.scheduledAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    tracking: row.tracking,
    counts: counts ?? noCounts(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function presentOne(ex: Executor, row: CampaignRow): Promise<Campaign> {
  return presentCampaign(row, (await countsOf(ex, [row.id])).get(row.id));
}

/** Templates are the staff's words to everyone: they never carry one person's identifiers. */
const checkTexts = (input: Partial<CreateCampaignInput>) =>
  assertNoIdentifiers({
    'body.name': input.name,
    'body.subject': input.subject,
    'body.text': input.text,
    'body.html': input.html,
  });

async function requireSegment(ex: Executor, id: string): Promise<void> {
  const [row] = await ex.select({ id: segments.id }).from(segments).where(eq(segments.id, id));
  if (!row)
    throw new AppError('validation_failed', 'Unknown segment', {
      details: [{ field: 'body.segmentId', issue: 'is not a segment' }],
    });
}

/**
 * Tracking opens and clicks reads the person's device (ePrivacy Art. 5(3)): it needs consent, so the
 * `email_tracking` purpose must be on consent; each recipient's own consent is checked at send time.
 */
async function assertTrackingLawful(ex: Executor, field: string): Promise<void> {
  const purpose = (await findPurposeRecords(ex)).find((p) => p.key === 'email_tracking');
  if (purpose?.lawfulBasis !== 'consent')
    throw new AppError('validation_failed', 'Tracking needs consent', {
      details: [{ field, issue: 'needs the email_tracking purpose to rest on consent' }],
    });
}

export async function findCampaigns({ db, ctx }: { db: Db; ctx: RequestContext }) {
  assertPermission(ctx.actor, 'contacts:read');
  const rows = await db.select().from(campaigns).orderBy(desc(campaigns.createdAt));
  const counts = await countsOf(
    db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => presentCampaign(r, counts.get(r.id))) };
}

export async function getCampaign({ db, ctx, id }: { db: Db; ctx: RequestContext; id: string }) {
  assertPermission(ctx.actor, 'contacts:read');
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  if (!row) throw notFound('campaign');
  return presentOne(db, row);
}

export async function createCampaign(
  deps: CampaignDeps & { ctx: RequestContext; input: CreateCampaignInput },
): Promise<Campaign> {
  const { db, keys, ctx, input } = deps;
  assertPermission(ctx.actor, 'campaigns:manage');
  const staff = assertStaff(ctx.actor);
  checkTexts(input);
  return transaction(db, async (tx) => {
    await requireSegment(tx, input.segmentId);
    if (input.tracking) await assertTrackingLawful(tx, 'body.tracking');
    const [row] = await tx
      .insert(campaigns)
      .values({ ...input, createdBy: staff.userId })
      .returning();
    await recordAudit(tx, keys, ctx, {
      action: 'campaign.create',
      entityType: 'campaign',
      entityId: row!.id,
    });
    return presentOne(tx, row!);
  });
}

/** Locks a campaign, checks its status allows the change, applies it and audits it. */
function changeCampaign(
  deps: CampaignDeps & { ctx: RequestContext },
  id: string,
  action: string,
  change: (row: CampaignRow, tx: Executor) => Promise<Partial<typeof campaigns.$inferInsert>>,
): Promise<{ row: CampaignRow; campaign: Campaign }> {
  return transaction(deps.db, async (tx) => {
    const [row] = await tx.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
    if (!row) throw notFound('campaign');
    const values = await change(row, tx);
    const [updated] = await tx
      .update(campaigns)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(campaigns.id, id))
      .returning();
    await recordAudit(tx, deps.keys, deps.ctx, { action, entityType: 'campaign', entityId: id });
    return { row: updated!, campaign: await presentOne(tx, updated!) };
  });
}

const notIn = (status: string, allowed: string[], what: string) => {
  if (!allowed.includes(status))
    throw new AppError('conflict', `A ${status} campaign cannot be ${what}`, {
      details: [{ field: 'status', issue: `is ${status}` }],
    });
};

export async function updateCampaign(
  deps: CampaignDeps & { ctx: RequestContext; id: string; input: UpdateCampaignInput },
): Promise<Campaign> {
  assertPermission(deps.ctx.actor, 'campaigns:manage');
  checkTexts(deps.input);
  const { campaign } = await changeCampaign(deps, deps.id, 'campaign.update', async (row, tx) => {
    notIn(row.status, ['draft'], 'changed');
    if (deps.input.segmentId) await requireSegment(tx, deps.input.segmentId);
    if (deps.input.tracking) await assertTrackingLawful(tx, 'body.tracking');
    return deps.input;
  });
  return campaign;
}

export async function queueCampaign(
  deps: CampaignDeps & { ctx: RequestContext; id: string; at: string | undefined },
): Promise<Campaign> {
  assertPermission(deps.ctx.actor, 'campaigns:manage');
  const at = deps.at ? new Date(deps.at) : null;
  const { row, campaign } = await changeCampaign(deps, deps.id, 'campaign.queue', async (row, tx) => {
    notIn(row.status, ['draft'], 'sent again');
    if (row.tracking) await assertTrackingLawful(tx, 'tracking');
    if (!row.segmentId)
      throw new AppError('conflict', 'The campaign’s segment was deleted: choose another one', {
        details: [{ field: 'segmentId', issue: 'is gone' }],
      });
    return { status: 'queued', scheduledAt: at };
  });
  await deps.enqueue(row.id, at);
  return campaign;
}

export async function cancelCampaign(
  deps: CampaignDeps & { ctx: RequestContext; id: string },
): Promise<Campaign> {
  assertPermission(deps.ctx.actor, 'campaigns:manage');
  const { campaign } = await changeCampaign(deps, deps.id, 'campaign.cancel', async (row) => {
    notIn(row.status, ['draft', 'queued', 'sending'], 'cancelled');
    return { status: 'cancelled', finishedAt: new Date() };
  });
  return campaign;
}
