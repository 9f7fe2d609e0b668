import type { Config } from '../../platform/config.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import type { SubjectKeyStore } from '../subjects/index.js';

/** What the consent use cases need: database, keys, per-person keys, and the operator's privacy settings. */
export interface ConsentDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  privacy: Pick<Config, 'controller' | 'digitalConsentAges' | 'consentForms' | 'publicUrl'>;
  /** Queues the Art. 18(3) notice when staff lift a restriction; absent where no queue runs. */
  notifyRestrictionLifted?(job: { eventId: string; contactId: string }): Promise<void>;
}

/** The public forms also find and create contacts by e-mail, and queue the confirmation mail. */
export interface PublicConsentDeps extends ConsentDeps {
  indexer: BlindIndexer;
  enqueueConfirmationMail(confirmationId: string): Promise<void>;
}
