import type { PublicRequestStatus } from '@custodian/contracts';
import { systemContext } from '../../platform/access.js';
import { transaction } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { RequestDeps } from './deps.js';
import { findRequestRow, listStatusChanges } from './repository.js';
import { isStatusToken } from './status-link.js';

type Status = PublicRequestStatus['status'];

/**
 * A requester follows their request with the signed link. A wrong token gets the same 404 as a missing
 * request, so ids cannot be probed. The answer carries dates and states only: no notes, no staff, nothing
 * the requester wrote (the link may be forwarded). The read is audited like every public read.
 */
export async function getPublicRequestStatus(
  deps: RequestDeps & { id: string; token: string; requestId: string },
): Promise<PublicRequestStatus> {
  const { db, keys, id, token } = deps;
  if (!isStatusToken(keys, id, token)) throw notFound('request');
  return transaction(db, async (tx) => {
    const row = await findRequestRow(tx, id);
    if (!row) throw notFound('request');
    const changes = await listStatusChanges(tx, id);
    const timeline = changes
      .filter((c) => c.toStatus !== null && c.toStatus !== c.fromStatus)
      .map((c) => ({ at: c.at.toISOString(), status: c.toStatus as Status }));
    const reached = (status: Status) => timeline.find((s) => s.status === status)?.at ?? null;
    await recordAudit(
      tx,
      keys,
      { ...systemContext('privacy-portal'), requestId: deps.requestId },
      {
        action: 'request.status-read',
        entityType: 'dsrRequest',
        entityId: id,
        subjectIds: [row.subjectId],
      },
    );
    return {
      id: row.id,
      type: row.type as PublicRequestStatus['type'],
      regime: row.regime as PublicRequestStatus['regime'],
      status: row.status as Status,
      receivedAt: row.receivedAt.toISOString(),
      dueAt: row.dueAt.toISOString(),
      extended: row.extendedAt !== null,
      extensionReason: row.extendedAt ? row.extensionReason : null,
      verifiedAt: row.verifiedAt?.toISOString() ?? null,
      fulfilledAt: reached('fulfilled'),
      rejectedAt: reached('rejected'),
      rejectionReason: row.rejectionReason as PublicRequestStatus['rejectionReason'],
      closedAt: row.closedAt?.toISOString() ?? reached('closed'),
      timeline,
    };
  });
}
