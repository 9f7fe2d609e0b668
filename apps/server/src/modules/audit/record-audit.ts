import type { AuditAccess, DataCategory } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Executor } from '../../platform/db/database.js';
import { preparedFor } from '../../platform/db/prepared.js';
import { scopeOf } from './audit-scope.js';
import { canonicalContent } from './canonical.js';
import { auditEntries } from './schema.js';

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** Random ids of the people whose data was read or changed. Never names or e-mails. */
  subjectIds?: readonly string[];
  outcome?: 'success' | 'denied' | 'failure';
  /** Defaults from the action's verb (see `accessOf`). */
  access?: AuditAccess;
  /** Defaults from the entity's catalog fields, as the caller could see them (see `scopeOf`). */
  categories?: readonly DataCategory[];
}

function actorColumns(ctx: RequestContext): { actorType: string; actorId: string | null } {
  const a = ctx.actor;
  if (a.kind === 'user' || a.kind === 'token') return { actorType: a.kind, actorId: a.userId.toLowerCase() };
  return { actorType: a.kind, actorId: null };
}

/**
 * Records one audit entry. Call it with the transaction of the change it records (or of the read),
 * so the entry exists exactly when the change does. Returns the entry's id.
 */
export async function recordAudit(
  ex: Executor,
  keys: KeyRing,
  ctx: RequestContext,
  event: AuditEvent,
): Promise<number> {
  // uuids come back lower-cased from the database; the MAC must cover what is stored.
  const subjectIds = [...new Set((event.subjectIds ?? []).map((id) => id.toLowerCase()))];
  const content = {
    occurredAt: new Date(),
    ...actorColumns(ctx),
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId ?? null,
    subjectIds,
    purpose: ctx.purpose,
    requestId: ctx.requestId,
    outcome: event.outcome ?? 'success',
    format: 2,
    tokenId: ctx.actor.kind === 'token' ? ctx.actor.tokenId.toLowerCase() : null,
    ...scopeOf(ctx, event, subjectIds.length),
  };
  const values = {
    ...content,
    keyId: keys.masterKeyId,
    mac: keys.mac('audit-entry-mac', canonicalContent(content)),
  };
  // Outside a transaction (where reads are audited) the insert is built once. Its columns are the same on every
  // call; the key lists them anyway, so a change of columns can never reuse a statement built for others.
  const columns = Object.keys(values) as (keyof typeof values)[];
  const prepared = preparedFor(ex, `audit-entry:${columns.join(',')}`, (db, name) =>
    db
      .insert(auditEntries)
      .values(Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)])) as unknown as typeof values)
      .returning({ id: auditEntries.id })
      .prepare(name),
  );
  const [entry] = prepared
    ? await prepared.execute(values)
    : await ex.insert(auditEntries).values(values).returning({ id: auditEntries.id });
  return entry!.id;
}
