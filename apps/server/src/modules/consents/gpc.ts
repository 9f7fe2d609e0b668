import type { Executor } from '../../platform/db/database.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { appendLedgerEvent, findChoices, findLedger, type OpenedEvent, type Proof } from './repository.js';

/** What /.well-known/gpc.json says: this site honours Global Privacy Control (since this date). */
export const gpcSupport = { gpc: true, lastUpdate: '2026-11-23' } as const;

/** Whether a request carries the Global Privacy Control signal. */
export const sendsGpc = (headers: Record<string, string | string[] | undefined>): boolean =>
  headers['sec-gpc'] === '1';

/**
 * Honours a GPC signal from an identified person as an opt-out of sale and sharing (CCPA/CPRA), recorded in
 * the ledger. When it overrides an explicit opt-in made earlier, the event names that choice in
 * `conflictsWith`, so staff can see the conflict and the person can be asked. Nothing is recorded when the
 * person has already opted out.
 */
export async function honourGpc(
  ex: Executor,
  subjects: SubjectKeyStore,
  subjectId: string,
  proof: Proof,
): Promise<OpenedEvent | null> {
  const choices = await findChoices(ex, subjectId);
  if (choices?.optedOutOfSaleOrSharing) return null;
  const ledger = await findLedger(ex, subjectId, null);
  const explicitOptIn = [...ledger].reverse().find((e) => e.kind === 'sale_sharing_opted_in');
  return appendLedgerEvent(ex, subjects, {
    subjectId,
    kind: 'sale_sharing_opted_out',
    purpose: null,
    noticeId: null,
    language: null,
    method: 'global_privacy_control',
    occurredAt: new Date(),
    actor: { type: 'subject', id: null },
    relatesTo: null,
    conflictsWith: explicitOptIn?.id ?? null,
    mergedFrom: null,
    proof,
  });
}
