import { type DsrRequest, restrictedValue } from '@custodian/contracts';
import { requestEntities, restrictedFields } from '../../catalog/index.js';
import type { RequestContext } from '../../platform/access.js';
import { deadlineFlags } from './deadlines.js';
import { closedStatuses, type RequestRecord } from './repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A request as this caller may see it; the requester's details are masked without `requests:read`. */
export function presentRequest(
  ctx: RequestContext,
  { row, personal }: RequestRecord,
  now = new Date(),
): DsrRequest {
  const hidden = restrictedFields(requestEntities[0]!, ctx);
  const text = (field: string, value: string | null) =>
    value !== null && hidden.has(field) ? restrictedValue : value;
  const open = !(closedStatuses as readonly string[]).includes(row.status);
  return {
    id: row.id,
    type: row.type as DsrRequest['type'],
    regime: row.regime as DsrRequest['regime'],
    status: row.status as DsrRequest['status'],
    channel: row.channel as DsrRequest['channel'],
    contactId: row.contactId,
    requester: { email: text('requesterEmail', personal.email), name: text('requesterName', personal.name) },
    details: text('details', personal.details),
    purposes: row.purposes as DsrRequest['purposes'],
    receivedAt: row.receivedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    originalDueAt: row.originalDueAt.toISOString(),
    acknowledgeBy: iso(row.acknowledgeBy),
    acknowledgedAt: iso(row.acknowledgedAt),
    extendedAt: iso(row.extendedAt),
    extensionReason: row.extensionReason,
    verifiedAt: iso(row.verifiedAt),
    verificationMethod: row.verificationMethod as DsrRequest['verificationMethod'],
    assignedTo: row.assignedTo,
    rejectionReason: row.rejectionReason as DsrRequest['rejectionReason'],
    duplicateOf: row.duplicateOf,
    closedAt: iso(row.closedAt),
    ...deadlineFlags(row.dueAt, open, now),
    createdAt: row.createdAt.toISOString(),
    restricted: ['requesterEmail', 'requesterName', 'details'].filter(
      (f) =>
        hidden.has(f) &&
        personal[f === 'requesterEmail' ? 'email' : f === 'requesterName' ? 'name' : 'details'] !== null,
    ),
  };
}
