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
