import type { Config } from '../../platform/config.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import type { SubjectKeyStore } from '../subjects/index.js';

/** What the request use cases need; deadlines are computed in the controller's time zone, packages name the controller. */
export interface RequestDeps {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
  settings: Pick<Config, 'timeZone' | 'publicUrl' | 'controller' | 'digitalConsentAges' | 'consentForms'> &
    Partial<Pick<Config, 'smtp'>>;
}
