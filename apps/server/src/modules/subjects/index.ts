export { checkMasterKey, MasterKeyMismatchError } from './master-key-check.js';
export { rewrapSubjectKeys } from './rewrap-subject-keys.js';
export { dataSubjects } from './schema.js';
export {
  decryptField,
  encryptField,
  type FieldLocation,
  type NewSubject,
  SubjectKeyStore,
  SubjectShreddedError,
  subjectKeysFor,
  type WrappedSubjectKey,
} from './subject-keys.js';
