import type { IssuedCertificate } from '@custodian/contracts';
import { type ContactDeps, scanContactTokens } from '../modules/contacts/index.js';
import {
  type ExportedSuppression,
  loadSuppressionList,
  suppressionReasonsOf,
} from '../modules/suppressions/index.js';
import type { RequestContext } from '../platform/access.js';
import { eraseSubject } from './erase-subject.js';

export interface ReapplyReport {
  contactsChecked: number;
  /** Certificates of the people erased again. */
  erased: IssuedCertificate[];
  /** Contacts on the list for an objection or "do not contact" only: kept, reported for review. */
  listedNotErased: number;
}

/**
 * Restore safety: after a backup is restored, people erased since the backup was taken are back. Every
 * contact is compared with the suppression list (by keyed hashes of their e-mail and phone tokens), and
 * each one listed for an erasure goes through the erasure workflow again, with its checks and certificate.
 * Idempotent: a second run finds nobody.
 */
export async function reapplySuppressions(
  deps: ContactDeps & {
    ctx: RequestContext;
    dryRun?: boolean;
    /** Entries from an export, counted in without being written (a dry run after a restore). */
    extra?: readonly ExportedSuppression[];
  },
): Promise<ReapplyReport & { toErase: number }> {
  const list = await loadSuppressionList(deps.db);
  for (const e of deps.extra ?? [])
    if (!list.has(`${e.kind}:${e.token}`)) list.set(`${e.kind}:${e.token}`, e.reason);
  const report = { contactsChecked: 0, erased: [] as IssuedCertificate[], listedNotErased: 0 };
  const toErase: string[] = [];
  if (list.size > 0) {
    let after: string | null = null;
    for (;;) {
      const page = await scanContactTokens(deps.db, after, 1000);
      if (page.length === 0) break;
      for (const contact of page) {
        const reasons = suppressionReasonsOf(deps.indexer, list, contact);
        if (reasons.includes('erasure')) toErase.push(contact.id);
        else if (reasons.length > 0) report.listedNotErased++;
      }
      report.contactsChecked += page.length;
      after = page[page.length - 1]!.id;
    }
  }
  if (!deps.dryRun)
    for (const contactId of toErase)
      report.erased.push(
        await eraseSubject({
          ...deps,
          input: {
            contactId,
            reason: 'Restore safety: the person was erased before and came back with a restored backup',
            requestId: null,
          },
        }),
      );
  return { ...report, toErase: toErase.length };
}
