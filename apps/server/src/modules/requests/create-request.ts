import type { CreateRequestInput, DsrRequest } from '@custodian/contracts';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow, findContactsByEmailTokens } from '../contacts/index.js';
import { deadlinesFor } from './deadlines.js';
import type { RequestDeps } from './deps.js';
import { presentRequest } from './present-request.js';
import { findOpenRequestFrom, insertRequest, insertRequestEvent, requesterToken } from './repository.js';

/**
 * Records a request as it arrives. The deadlines are fixed now, from the time of receipt; the request is
 * linked to the contact named or, failing that, to the one holding the requester's address, and to an open
 * request of the same kind from the same address (a duplicate).
 */
export async function createRequest(
  options: RequestDeps & { ctx: RequestContext; input: CreateRequestInput },
): Promise<DsrRequest> {
  const { db, keys, ctx, input } = options;
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : new Date();
  if (receivedAt.getTime() > Date.now() + 300_000)
    throw new AppError('validation_failed', 'A request cannot arrive in the future', {
      details: [{ field: 'body.receivedAt', issue: 'is in the future' }],
    });
  const deadlines = deadlinesFor(input.regime, receivedAt, options.settings.timeZone);
  return transaction(db, async (tx) => {
    let contactId = input.contactId ?? null;
    if (contactId && !(await findContactRow(tx, contactId)))
      throw new AppError('validation_failed', 'No such contact', {
        details: [{ field: 'body.contactId', issue: 'is not a contact' }],
      });
    const email = input.requester.email ?? null;
    const token = email ? requesterToken(options.indexer, email) : null;
    if (!contactId && token !== null) {
      const [match] = await findContactsByEmailTokens(tx, [token]);
      contactId = match?.row.id ?? null;
    }
    const duplicate = token !== null ? await findOpenRequestFrom(tx, token, input.type) : null;
    const record = await insertRequest(
      tx,
      options,
      {
        type: input.type,
        regime: input.regime,
        status: 'received',
        channel: input.channel,
        contactId,
        purposes: input.purposes,
        receivedAt,
        dueAt: deadlines.dueAt,
        originalDueAt: deadlines.dueAt,
        extendedDueAt: deadlines.extendedDueAt,
        acknowledgeBy: deadlines.acknowledgeBy,
        duplicateOf: duplicate?.id ?? null,
        createdBy: staff.userId,
      },
      { email, name: input.requester.name ?? null, details: input.details ?? null },
    );
    await insertRequestEvent(tx, options, record.row, {
      action: 'received',
      fromStatus: null,
      toStatus: 'received',
      actor: { type: staff.kind, id: staff.userId },
      note: null,
    });
    await recordAudit(tx, keys, ctx, {
      action: 'request.create',
      entityType: 'dsrRequest',
      entityId: record.row.id,
      subjectIds: [record.row.subjectId],
    });
    return presentRequest(ctx, record);
  });
}
