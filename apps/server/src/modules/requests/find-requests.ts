import type { DsrRequest } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../platform/http/cursor.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { RequestDeps } from './deps.js';
import { presentRequest } from './present-request.js';
import { findRequestRow, listRequestEvents, listRequestRows, openRequests } from './repository.js';

type Options = RequestDeps & { ctx: RequestContext };

/** Requests soonest due first, flagged overdue or due soon; the read of requesters' details is audited. */
export async function findRequests(
  options: Options & {
    query: {
      status?: string | undefined;
      type?: string | undefined;
      contactId?: string | undefined;
      limit: number;
      cursor?: string | undefined;
    };
  },
): Promise<{ items: DsrRequest[]; nextCursor: string | null }> {
  const { db, keys, ctx, query } = options;
  assertPermission(ctx.actor, 'requests:read');
  const after = decodeTimeIdCursor(query.cursor);
  return transaction(db, async (tx) => {
    const rows = await listRequestRows(tx, { ...query, limit: query.limit + 1, after });
    const page = rows.slice(0, query.limit);
    const records = await openRequests(tx, options, page);
    await recordAudit(tx, keys, ctx, {
      action: 'request.list',
      entityType: 'dsrRequest',
      subjectIds: page.map((r) => r.subjectId),
    });
    const last = page[page.length - 1];
    return {
      items: records.map((r) => presentRequest(ctx, r)),
      nextCursor: rows.length > query.limit && last ? encodeTimeIdCursor(last.dueAt, last.id) : null,
    };
  });
}

export async function getRequest(options: Options & { id: string }): Promise<DsrRequest> {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'requests:read');
  return transaction(db, async (tx) => {
    const row = await findRequestRow(tx, id);
    if (!row) throw notFound('request');
    const [record] = await openRequests(tx, options, [row]);
    await recordAudit(tx, keys, ctx, {
      action: 'request.read',
      entityType: 'dsrRequest',
      entityId: id,
      subjectIds: [row.subjectId],
    });
    return presentRequest(ctx, record!);
  });
}

export async function getRequestHistory(options: Options & { id: string }) {
  const { db, keys, ctx, id } = options;
  assertPermission(ctx.actor, 'requests:read');
  return transaction(db, async (tx) => {
    const row = await findRequestRow(tx, id);
    if (!row) throw notFound('request');
    const events = await listRequestEvents(tx, options, row);
    await recordAudit(tx, keys, ctx, {
      action: 'request.history',
      entityType: 'dsrRequest',
      entityId: id,
      subjectIds: [row.subjectId],
    });
    return {
      items: events.map(({ row: e, note }) => ({
        at: e.at.toISOString(),
        action: e.action,
        fromStatus: e.fromStatus as never,
        toStatus: e.toStatus as never,
        actor: { type: e.actorType, id: e.actorId },
        note,
      })),
    };
  });
}
