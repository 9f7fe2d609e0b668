import type { ContactCorrectionsInput } from '@custodian/contracts';
import type { Tx } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import { applyCustomValues, listCustomFieldRows } from '../custom-fields/index.js';
import { applyPersonalInput } from './contact-input.js';
import type { ContactCrypto, ContactRecord } from './repository.js';
import { findContactRow, openContacts, updateContact } from './repository.js';

/**
 * Applies a rectification (Art. 16) to a contact's personal fields inside the caller's transaction: the
 * fields sent replace the stored ones, re-encrypted and re-indexed; everything else stays.
 */
export async function correctContact(
  tx: Tx,
  crypto: ContactCrypto,
  id: string,
  corrections: ContactCorrectionsInput,
): Promise<ContactRecord> {
  const row = await findContactRow(tx, id, { forUpdate: true });
  const [current] = row ? await openContacts(tx, crypto, [row]) : [];
  if (!current) throw notFound('contact');
  const defs = await listCustomFieldRows(tx, 'contact');
  const personal = applyPersonalInput(current.personal, corrections);
  personal.customFields = applyCustomValues(defs, current.personal.customFields, corrections.customFields);
  const { ownerId, companyId, source, lifecycleStage } = current.row;
  return updateContact(tx, crypto, current.row, personal, { ownerId, companyId, source, lifecycleStage });
}
