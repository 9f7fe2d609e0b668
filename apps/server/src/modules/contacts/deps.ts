import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import type { SubjectKeyStore } from '../subjects/index.js';

/** What the contact use cases need: the database, the master key ring, per-person keys and blind indexes. */
export interface ContactDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
}
