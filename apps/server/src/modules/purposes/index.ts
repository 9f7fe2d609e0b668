export {
  findPurposeRecord,
  findPurposeRecords,
  findPurposes,
  getPurpose,
  type PurposeChanged,
  updatePurpose,
} from './purposes.js';
export { purposeRoutes } from './routes.js';
export { purposesTable } from './schema.js';
