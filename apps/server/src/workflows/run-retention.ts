import type { DataCategory, RetentionItem, RetentionPreview, RetentionRun } from '@custodian/contracts';
import { contactEntity } from '../catalog/declarations.js';
import { deleteActivitiesReturningKeys } from '../modules/activities/index.js';
import { anonymiseContacts } from '../modules/analytics/index.js';
import { pruneAuditTrail, recordAudit } from '../modules/audit/index.js';
import {
  type ContactDeps,
  type ContactPersonal,
  emptyPersonal,
  findContactRow,
  openContacts,
  updateContactFields,
} from '../modules/contacts/index.js';
import { unlinkCertificatesFrom } from '../modules/erasure/index.js';
import { deleteRequestRecords } from '../modules/requests/index.js';
import {
  type CustomKeysByCategory,
  createRun,
  customKeysByCategory,
  cutoffOf,
  findDueRecords,
  findPoliciesToApply,
  findRunningRun,
  finishRun,
  handledRefs,
  heldSubjects,
  itemRefOf,
  type PolicyRow,
  presentRun,
  recordRunItems,
  reportPolicy,
} from '../modules/retention/index.js';
import { deletePackagesOfRequests } from '../modules/subject-packages/index.js';
import { assertPermission, type RequestContext } from '../platform/access.js';
import { type Database, type Tx, transaction } from '../platform/db/database.js';
import { withExclusiveLock } from '../platform/db/exclusive.js';
import { AppError } from '../platform/http/errors.js';
import { eraseSubjectsIn } from './erase-subject.js';

export interface RetentionDeps extends ContactDeps {
  ctx: RequestContext;
}

/**
 * What the sweep would do as of `asOf`, changing nothing: the figures per policy and the records themselves.
 * The sweep finds its records with the same query, so a dry run lists exactly what a run handles.
 */
export async function previewRetention(
  deps: RetentionDeps,
  options: { asOf?: Date; policyIds?: readonly string[]; limit: number },
): Promise<RetentionPreview> {
  const { db, ctx } = deps;
  assertPermission(ctx.actor, 'retention:read');
  const asOf = options.asOf ?? new Date();
  const policies = await findPoliciesToApply(db, options.policyIds);
  const custom = await customKeysByCategory(db);
  const reports = [];
  const items: RetentionItem[] = [];
  for (const policy of policies) {
    const report = await reportPolicy(db, policy, { asOf, custom });
    reports.push(report);
    let after: string | null = null;
    while (items.length < options.limit) {
      const due = await findDueRecords(db, policy, {
        asOf,
        after,
        limit: Math.min(1000, options.limit - items.length),
        custom,
      });
      if (due.length === 0) break;
      after = due[due.length - 1]!.id;
      for (const d of due)
        items.push({
          policyId: policy.id,
          target: policy.target as RetentionItem['target'],
          id: d.id,
          action: policy.action as RetentionItem['action'],
          trigger: policy.trigger as RetentionItem['trigger'],
          triggeredAt: d.triggeredAt.toISOString(),
          dueAt: d.dueAt.toISOString(),
        });
    }
  }
  const truncated = reports.some((r) => r.target !== 'audit_entry' && r.due > countOf(items, r.policyId));
  await recordAudit(db, deps.keys, ctx, { action: 'retention.preview', entityType: 'retentionPolicy' });
  return { asOf: asOf.toISOString(), policies: reports, items, itemsTruncated: truncated };
}

const countOf = (items: readonly RetentionItem[], policyId: string) =>
  items.filter((i) => i.policyId === policyId).length;

/** The contacts' rows, locked for the batch's transaction (those gone meanwhile are left out). */
async function lockContacts(tx: Tx, ids: readonly string[]) {
  const rows = [];
  for (const id of ids) {
    const row = await findContactRow(tx, id, { forUpdate: true });
    if (row) rows.push(row);
  }
  return rows;
}

/** `delete_fields`: empties the contacts' fields of the policy's categories, custom fields included. */
async function emptyContactFields(
  tx: Tx,
  deps: RetentionDeps,
  policy: PolicyRow,
  ids: readonly string[],
  custom: CustomKeysByCategory,
): Promise<string[]> {
  const categories = policy.categories as DataCategory[];
  const fields = Object.entries(contactEntity.personal)
    .filter(([field, decl]) => field !== 'customFields' && categories.includes(decl.category))
    .map(([field]) => field as keyof ContactPersonal);
  const customKeys = new Set(categories.flatMap((c) => custom.get(c) ?? []));
  const subjectIds: string[] = [];
  for (const { row, personal } of await openContacts(tx, deps, await lockContacts(tx, ids))) {
    const next: ContactPersonal = { ...personal };
    for (const field of fields) Object.assign(next, { [field]: emptyPersonal[field] });
    next.customFields = Object.fromEntries(
      Object.entries(personal.customFields).filter(([key]) => !customKeys.has(key)),
    );
    await updateContactFields(tx, deps, row, next, {
      ownerId: row.ownerId,
      companyId: row.companyId,
      source: row.source,
      lifecycleStage: row.lifecycleStage,
    });
    subjectIds.push(row.subjectId);
  }
  return subjectIds;
}

/** One batch of one policy, in the caller's transaction; the people it touched (for the audit entry). */
async function applyPolicy(
  tx: Tx,
  deps: RetentionDeps,
  policy: PolicyRow,
  ids: readonly string[],
  custom: CustomKeysByCategory,
): Promise<string[]> {
  if (policy.target === 'contact' && (policy.action === 'crypto_shred' || policy.action === 'anonymise')) {
    if (policy.action === 'anonymise') {
      // What statistics keep, written before the person goes, in the same transaction.
      await anonymiseContacts(tx, await openContacts(tx, deps, await lockContacts(tx, ids)));
    }
    // The same erasure as a request's: certificates, suppression, verification.
    await eraseSubjectsIn(
      tx,
      deps,
      deps.ctx,
      ids.map((contactId) => ({ contactId, reason: `retention policy ${policy.id}`, requestId: null })),
    );
    return [];
  }
  if (policy.target === 'contact' && policy.action === 'delete_fields')
    return emptyContactFields(tx, deps, policy, ids, custom);
  if (policy.target === 'activity' && policy.action === 'delete_record') {
    // Each activity has a key of its own: the rows, then their keys, a few statements for the whole batch.
    const subjectIds = (await deleteActivitiesReturningKeys(tx, ids)).map((r) => r.subjectId);
    await deps.subjects.shredMany(tx, subjectIds);
    await deps.subjects.forgetShredded(tx, subjectIds);
    return [];
  }
  if (policy.target === 'request' && policy.action === 'delete_record') {
    await deletePackagesOfRequests(tx, ids);
    await unlinkCertificatesFrom(tx, ids);
    await deleteRequestRecords(tx, deps.subjects, ids);
    return [];
  }
  throw new AppError('validation_failed', 'The policy’s action does not apply to its target');
}

export interface BatchReport {
  runId: string;
  batch: number;
  policyId: string;
  done: number;
  failed: number;
}

/**
 * The sweep: every enabled policy in turn, its due records in batches of at most `batchSize`, each batch
 * one short transaction that handles the records, records them as run items and writes one audit entry.
 * A record whose batch fails is retried alone, and recorded as failed if it fails again. A run cut off by
 * a crash or a restart stays `running` and the next sweep resumes it with the same `asOf`: records already
 * handled are gone, emptied or recorded, so nothing is done twice. Only one sweep runs at a time (across
 * processes); a second gets null.
 */
export async function runRetentionSweep(
  deps: RetentionDeps & { database: Database },
  options: { origin: RetentionRun['origin']; batchSize: number; onBatch?: (b: BatchReport) => void },
): Promise<RetentionRun | null> {
  const { db, keys, ctx } = deps;
  assertPermission(ctx.actor, 'retention:manage');
  const outcome = await withExclusiveLock(deps.database, 'retention-sweep', async () => {
    const policies = await findPoliciesToApply(db);
    const custom = await customKeysByCategory(db);
    let run = await findRunningRun(db);
    // Only a resumed run can meet records it handled already; a new one pages through each record once.
    const resumed = run !== null;
    if (!run) {
      const asOf = new Date();
      const counts: Record<string, { done: number; held: number; exempt: number; failed: number }> = {};
      for (const policy of policies) {
        const r = await reportPolicy(db, policy, { asOf, custom });
        counts[policy.id] = { done: 0, held: r.held, exempt: r.exempt, failed: 0 };
      }
      const startedBy = ctx.actor.kind === 'user' || ctx.actor.kind === 'token' ? ctx.actor.userId : null;
      run = await createRun(db, { origin: options.origin, asOf, startedBy, counts });
    }
    const runId = run.id;

    const handle = async (policy: PolicyRow, ids: string[]): Promise<void> => {
      const refs = ids.map((id) => itemRefOf(keys, policy.target, id));
      try {
        const batch = await transaction(db, async (tx) => {
          const subjectIds = await applyPolicy(tx, deps, policy, ids, custom);
          const n = await recordRunItems(
            tx,
            runId,
            refs.map((ref) => ({
              policyId: policy.id,
              target: policy.target,
              ref,
              outcome: 'done' as const,
            })),
          );
          await recordAudit(tx, keys, ctx, {
            action: `retention.${policy.action}`,
            entityType: 'retentionRun',
            entityId: runId,
            subjectIds: policy.action === 'delete_fields' ? subjectIds : [],
          });
          return n;
        });
        options.onBatch?.({ runId, batch, policyId: policy.id, done: ids.length, failed: 0 });
      } catch {
        if (ids.length > 1) {
          // Find the one that cannot go: each alone, in its own transaction.
          for (const id of ids) await handle(policy, [id]);
          return;
        }
        const batch = await transaction(db, async (tx) => {
          const n = await recordRunItems(tx, runId, [
            { policyId: policy.id, target: policy.target, ref: refs[0]!, outcome: 'failed' },
          ]);
          await recordAudit(tx, keys, ctx, {
            action: `retention.${policy.action}`,
            entityType: 'retentionRun',
            entityId: runId,
            outcome: 'failure',
          });
          return n;
        });
        options.onBatch?.({
          runId,
          batch,
          policyId: policy.id,
          done: 0,
          failed: 1,
        });
      }
    };

    /** Audit entries: the oldest sealed ones, a prefix of the chain per batch, behind a signed checkpoint. */
    const pruneAudit = async (policy: PolicyRow) => {
      const before = cutoffOf(policy, run.asOf);
      for (;;) {
        const done = await transaction(db, async (tx) => {
          const pruned = await pruneAuditTrail(tx, keys, {
            before,
            heldSubjects: await heldSubjects(tx),
            limit: options.batchSize,
          });
          if (pruned.entries === 0) return null;
          const batch = await recordRunItems(tx, runId, [
            {
              policyId: policy.id,
              target: policy.target,
              ref: itemRefOf(keys, policy.target, `${pruned.fromSeq}-${pruned.throughSeq}`),
              outcome: 'done',
              records: pruned.entries,
            },
          ]);
          await recordAudit(tx, keys, ctx, {
            action: 'retention.delete_record',
            entityType: 'retentionRun',
            entityId: runId,
          });
          return { batch, entries: pruned.entries };
        });
        if (!done) return;
        options.onBatch?.({ runId, batch: done.batch, policyId: policy.id, done: done.entries, failed: 0 });
      }
    };

    try {
      for (const policy of policies) {
        if (policy.target === 'audit_entry') {
          await pruneAudit(policy);
          continue;
        }
        let after: string | null = null;
        for (;;) {
          const due = await findDueRecords(db, policy, {
            asOf: run.asOf,
            after,
            limit: options.batchSize,
            custom,
          });
          if (due.length === 0) break;
          after = due[due.length - 1]!.id;
          const refs = due.map((d) => itemRefOf(keys, policy.target, d.id));
          const handled = resumed ? await handledRefs(db, runId, policy.id, refs) : new Set<string>();
          const todo = due.filter((_, i) => !handled.has(refs[i]!)).map((d) => d.id);
          if (todo.length > 0) await handle(policy, todo);
          // Let the requests queued meanwhile run before the next batch.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const finished = await finishRun(db, runId, 'completed');
      await recordAudit(db, keys, ctx, {
        action: 'retention.run',
        entityType: 'retentionRun',
        entityId: runId,
      });
      return presentRun(db, finished);
    } catch (err) {
      await finishRun(db, runId, 'failed');
      throw err;
    }
  });
  return outcome.ran ? outcome.value : null;
}
