import type { Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { subjectIdsOfContacts } from './links-repository.js';

/** The subject ids of these contacts; a 400 naming the field when one of them does not exist. */
export async function requireContacts(
  ex: Executor,
  contactIds: readonly string[],
  field: string,
): Promise<Map<string, string>> {
  const found = await subjectIdsOfContacts(ex, contactIds);
  if (contactIds.some((id) => !found.has(id)))
    throw new AppError('validation_failed', 'A linked contact does not exist', {
      details: [{ field, issue: 'names a contact that does not exist' }],
    });
  return found;
}
