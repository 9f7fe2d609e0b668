export { dataSubjects } from './schema.js';
export {
  decryptField,
  encryptField,
  type FieldLocation,
  SubjectKeyStore,
  SubjectShreddedError,
} from './subject-keys.js';
