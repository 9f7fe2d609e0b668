import { v7 } from 'uuid';

/**
 * A new row id for the tables that grow by the million (data subjects, contacts, activities): a UUIDv7
 * (RFC 9562), 48 bits of milliseconds then 74 random bits. Ids made one after the other sort together, so a
 * batch lands at the right edge of each index on them instead of on a random page of it: inserting 2,000 data
 * subjects into a table of a million took 61-79 ms so, 96-178 ms with random ids. The creation time an id
 * carries is the row's own `created_at`, shown wherever the row is; nothing else about the person is in it.
 */
export const newRowId = (): string => v7();

/** The text of a lowercase uuid, to build larger patterns from. */
export const uuidSource = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A uuid as PostgreSQL prints it (lowercase): the ids Custodian itself puts in tokens, links and traces. */
export const lowercaseUuid = new RegExp(`^${uuidSource}$`);
/** A uuid in either case, as a person may type it and as PostgreSQL accepts it. */
export const anyCaseUuid = new RegExp(`^${uuidSource}$`, 'i');
