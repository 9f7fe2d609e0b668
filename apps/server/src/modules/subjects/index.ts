export { rewrapSubjectKeys } from './rewrap-subject-keys.js';
export { dataSubjects } from './schema.js';
export {
  decryptField,
  encryptField,
  type FieldLocation,
  SubjectKeyStore,
  SubjectShreddedError,
} from './subject-keys.js';
