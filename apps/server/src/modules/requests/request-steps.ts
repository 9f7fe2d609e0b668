import type { DsrRequest, RequestStatus } from '@custodian/contracts';
import { assertPermission, assertStaff, type RequestContext } from '../../platform/access.js';
import { type Tx, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { findContactRow } from '../contacts/index.js';
import { recordDomainEvent } from '../events/index.js';
import type { RequestDeps } from './deps.js';
import { presentRequest } from './present-request.js';
import {
  findRequestRow,
  insertRequestEvent,
  openRequests,
  type RequestRecord,
  type RequestRow,
  updateRequestRow,
} from './repository.js';

/** Which statuses each step may start from: the workflow received → in progress → (extended) → done → closed. */
export const stepsFrom = {
  verify: ['received', 'verifying'],
  extend: ['in_progress'],
  reject: ['received', 'verifying', 'in_progress', 'extended'],
  fulfil: ['in_progress', 'extended'],
  close: ['fulfilled', 'rejected'],
  assign: ['received', 'verifying', 'in_progress', 'extended'],
  acknowledge: ['received', 'verifying', 'in_progress', 'extended'],
  note: ['received', 'verifying', 'in_progress', 'extended', 'fulfilled', 'rejected', 'closed'],
} as const satisfies Record<string, readonly RequestStatus[]>;
export type Step = keyof typeof stepsFrom;

export interface StepChange {
  patch: Partial<Omit<RequestRow, 'id' | 'subjectId'>>;
  toStatus: RequestStatus | null;
  note: string | null;
}

/**
 * Runs one step on a request in one transaction: the request row locked, the step allowed from its status,
 * the change applied, the step written to the request's history and to the audit trail.
 */
export async function runStep(
  options: RequestDeps & { ctx: RequestContext; id: string; step: Step },
  change: (tx: Tx, request: RequestRow) => Promise<StepChange>,
): Promise<{ record: RequestRecord; presented: DsrRequest }> {
  const { db, keys, ctx, id, step } = options;
  assertPermission(ctx.actor, 'requests:manage');
  const staff = assertStaff(ctx.actor);
  return transaction(db, async (tx) => {
    const row = await findRequestRow(tx, id, { forUpdate: true });
    if (!row) throw notFound('request');
    if (!(stepsFrom[step] as readonly string[]).includes(row.status))
      throw new AppError(
        'conflict',
        `A request that is ${row.status.replace('_', ' ')} cannot be given this step`,
      );
    const { patch, toStatus, note } = await change(tx, row);
    const updated = await updateRequestRow(tx, id, { ...patch, ...(toStatus ? { status: toStatus } : {}) });
    await insertRequestEvent(tx, options, updated, {
      action: step,
      fromStatus: row.status,
      toStatus: toStatus ?? row.status,
      actor: { type: staff.kind, id: staff.userId },
      note,
    });
    if (toStatus === 'fulfilled' && row.status !== 'fulfilled')
      // Only the request's id and type: nothing of the requester or the person.
      await recordDomainEvent(tx, {
        type: 'request.fulfilled',
        data: { id: updated.id, type: updated.type },
      });
    const contact = updated.contactId ? await findContactRow(tx, updated.contactId) : null;
    await recordAudit(tx, keys, ctx, {
      action: `request.${step}`,
      entityType: 'dsrRequest',
      entityId: id,
      subjectIds: [updated.subjectId, ...(contact ? [contact.subjectId] : [])],
    });
    const [record] = await openRequests(tx, options, [updated]);
    return { record: record!, presented: presentRequest(ctx, record!) };
  });
}

type StepOptions = RequestDeps & { ctx: RequestContext; id: string };

export async function verifyRequest(
  options: StepOptions & {
    input: { method: string; note?: string | undefined; contactId?: string | undefined };
  },
): Promise<DsrRequest> {
  const staff = assertStaff(options.ctx.actor);
  const { input } = options;
  return (
    await runStep({ ...options, step: 'verify' }, async (tx, request) => {
      if (input.contactId && !(await findContactRow(tx, input.contactId)))
        throw new AppError('validation_failed', 'No such contact', {
          details: [{ field: 'body.contactId', issue: 'is not a contact' }],
        });
      return {
        patch: {
          verifiedAt: new Date(),
          verificationMethod: input.method,
          verifiedBy: staff.userId,
          contactId: input.contactId ?? request.contactId,
        },
        toStatus: 'in_progress',
        note: input.note ?? null,
      };
    })
  ).presented;
}

/** Once, before the first deadline passes, with the reason the requester must be told (Art. 12(3)). */
export async function extendRequest(options: StepOptions & { reason: string }): Promise<DsrRequest> {
  return (
    await runStep({ ...options, step: 'extend' }, async (_tx, request) => {
      if (request.extendedAt) throw new AppError('conflict', 'A request can be extended only once');
      if (Date.now() > request.originalDueAt.getTime())
        throw new AppError('conflict', 'The first deadline has passed: it can no longer be extended');
      return {
        // A new deadline re-arms the reminder.
        patch: {
          extendedAt: new Date(),
          extensionReason: options.reason,
          dueAt: request.extendedDueAt,
          reminderSentAt: null,
        },
        toStatus: 'extended',
        note: null,
      };
    })
  ).presented;
}

export async function acknowledgeRequest(options: StepOptions): Promise<DsrRequest> {
  return (
    await runStep({ ...options, step: 'acknowledge' }, async (_tx, request) => {
      if (request.acknowledgedAt) throw new AppError('conflict', 'Receipt was already acknowledged');
      return { patch: { acknowledgedAt: new Date() }, toStatus: null, note: null };
    })
  ).presented;
}

export async function assignRequest(options: StepOptions & { userId: string | null }): Promise<DsrRequest> {
  return (
    await runStep({ ...options, step: 'assign' }, async () => ({
      patch: { assignedTo: options.userId },
      toStatus: null,
      note: null,
    }))
  ).presented;
}

export async function rejectRequest(
  options: StepOptions & { reason: string; note?: string | undefined },
): Promise<DsrRequest> {
  return (
    await runStep({ ...options, step: 'reject' }, async () => ({
      patch: { rejectionReason: options.reason },
      toStatus: 'rejected',
      note: options.note ?? null,
    }))
  ).presented;
}

export async function closeRequest(
  options: StepOptions & { note?: string | undefined },
): Promise<DsrRequest> {
  return (
    await runStep({ ...options, step: 'close' }, async () => ({
      patch: { closedAt: new Date() },
      toStatus: 'closed',
      note: options.note ?? null,
    }))
  ).presented;
}

export async function addRequestNote(options: StepOptions & { note: string }) {
  const staff = assertStaff(options.ctx.actor);
  await runStep({ ...options, step: 'note' }, async () => ({
    patch: {},
    toStatus: null,
    note: options.note,
  }));
  return {
    at: new Date().toISOString(),
    action: 'note',
    fromStatus: null,
    toStatus: null,
    actor: { type: staff.kind, id: staff.userId },
    note: options.note,
  };
}
