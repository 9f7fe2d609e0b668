import { randomUUID } from 'node:crypto';
import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookWithSecret,
} from '@custodian/contracts';
import { eq } from 'drizzle-orm';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { type DestinationPolicy, destinationIssue } from './destination.js';
import {
  findRecipientBasics,
  findSubscriptionRow,
  listSubscriptionRows,
  presentWebhook,
} from './repository.js';
import { webhookSubscriptions } from './schema.js';
import { newWebhookSecret, sealWebhookSecret } from './secrets.js';

export interface WebhookDeps {
  db: Db;
  keys: KeyRing;
  /** Which destinations are allowed (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE). */
  policy: DestinationPolicy;
}

type Options = WebhookDeps & { ctx: RequestContext };

const invalid = (field: string, issue: string) =>
  new AppError('validation_failed', 'The subscription does not hold together', {
    details: [{ field, issue }],
  });

/** The destination must be allowed, and a registered recipient that has the purpose in its register. */
async function check(
  ex: Executor,
  policy: DestinationPolicy,
  values: { url: string; recipientId: string; purpose: string },
): Promise<void> {
  const urlIssue = destinationIssue(values.url, policy);
  if (urlIssue) throw invalid('body.url', urlIssue);
  const recipient = await findRecipientBasics(ex, values.recipientId);
  if (!recipient) throw invalid('body.recipientId', 'is not a registered recipient');
  if (!recipient.purposes.includes(values.purpose))
    throw invalid('body.purpose', 'is not among the recipient’s purposes in the register');
}

export async function findWebhooks({ db, ctx }: Options): Promise<{ items: Webhook[] }> {
  assertPermission(ctx.actor, 'webhooks:manage');
  return { items: (await listSubscriptionRows(db)).map(presentWebhook) };
}

export async function getWebhook({ db, ctx, id }: Options & { id: string }): Promise<Webhook> {
  assertPermission(ctx.actor, 'webhooks:manage');
  const row = await findSubscriptionRow(db, id);
  if (!row) throw notFound('webhook');
  return presentWebhook(row);
}

export async function createWebhook({
  db,
  keys,
  policy,
  ctx,
  input,
}: Options & { input: CreateWebhookInput }): Promise<WebhookWithSecret> {
  assertPermission(ctx.actor, 'webhooks:manage');
  const staff = assertStaff(ctx.actor);
  return transaction(db, async (tx) => {
    await check(tx, policy, input);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({ id, ...input, ...sealWebhookSecret(keys, id, secret), createdBy: staff.userId })
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'webhook.create', entityType: 'webhook', entityId: id });
    return { ...presentWebhook(row!), secret };
  });
}

export async function updateWebhook({
  db,
  keys,
  policy,
  ctx,
  id,
  input,
}: Options & { id: string; input: UpdateWebhookInput }): Promise<Webhook> {
  assertPermission(ctx.actor, 'webhooks:manage');
  return transaction(db, async (tx) => {
    const row = await findSubscriptionRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('webhook');
    const next = { url: row.url, recipientId: row.recipientId, purpose: row.purpose, ...input };
    await check(tx, policy, next);
    const [updated] = await tx
      .update(webhookSubscriptions)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'webhook.update', entityType: 'webhook', entityId: id });
    return presentWebhook(updated!);
  });
}

export async function rotateWebhookSecret({
  db,
  keys,
  ctx,
  id,
}: Options & { id: string }): Promise<WebhookWithSecret> {
  assertPermission(ctx.actor, 'webhooks:manage');
  return transaction(db, async (tx) => {
    const row = await findSubscriptionRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('webhook');
    const secret = newWebhookSecret();
    const [updated] = await tx
      .update(webhookSubscriptions)
      .set({ ...sealWebhookSecret(keys, id, secret), updatedAt: new Date() })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await recordAudit(tx, keys, ctx, { action: 'webhook.rotate', entityType: 'webhook', entityId: id });
    return { ...presentWebhook(updated!), secret };
  });
}

export async function deleteWebhook({ db, keys, ctx, id }: Options & { id: string }): Promise<null> {
  assertPermission(ctx.actor, 'webhooks:manage');
  return transaction(db, async (tx) => {
    const [gone] = await tx
      .delete(webhookSubscriptions)
      .where(eq(webhookSubscriptions.id, id))
      .returning({ id: webhookSubscriptions.id });
    if (!gone) throw notFound('webhook');
    await recordAudit(tx, keys, ctx, { action: 'webhook.delete', entityType: 'webhook', entityId: id });
    return null;
  });
}
