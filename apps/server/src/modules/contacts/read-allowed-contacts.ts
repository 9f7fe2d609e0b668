import type { RequestContext } from '../../platform/access.js';
import { type Tx, transaction } from '../../platform/db/database.js';
import type { ProcessingGuard } from '../../platform/guard.js';
import { recordAudit } from '../audit/index.js';
import type { ContactDeps } from './deps.js';
import { type ContactPersonal, type ContactRecord, listContactRows, openContacts } from './repository.js';

/**
 * Every contact the guard allows for `purpose`, decrypted page by page in creation order, each page in its own
 * short transaction with one audit entry naming the people read. Returns how many the guard refused.
 */
export async function readAllowedContacts(
  deps: ContactDeps & { guard: ProcessingGuard; ctx: RequestContext },
  options: {
    purpose: string;
    audit: { action: string; entityType: string; entityId?: string };
    pageSize?: number;
  },
  onPage: (tx: Tx, page: ContactRecord[]) => Promise<void>,
): Promise<{ refused: number }> {
  const { db, guard, keys, ctx } = deps;
  let refused = 0;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const next: { at: string; id: string } | null = await transaction(db, async (tx) => {
      const rows = await listContactRows(tx, {
        limit: options.pageSize ?? 1000,
        sort: { key: 'createdAt', direction: 'asc' },
        after,
      });
      if (rows.length === 0) return null;
      const allowed = await guard.allowedContacts(
        tx,
        options.purpose,
        rows.map((r) => r.id),
      );
      refused += rows.length - allowed.size;
      const opened = await openContacts(
        tx,
        deps,
        rows.filter((r) => allowed.has(r.id)),
      );
      if (opened.length > 0) {
        await onPage(tx, opened);
        await recordAudit(tx, keys, ctx, {
          ...options.audit,
          subjectIds: opened.map((o) => o.row.subjectId),
        });
      }
      const last = rows[rows.length - 1]!;
      return { at: last.createdAt.toISOString(), id: last.id };
    });
    if (!next) return { refused };
    after = next;
  }
}

/** The country of a contact's first address that has one, upper-cased. */
export const countryOf = (personal: ContactPersonal): string | null =>
  personal.addresses.find((a) => a.country)?.country?.toUpperCase() ?? null;
