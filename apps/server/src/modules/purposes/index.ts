export {
  findPurposeRecord,
  findPurposeRecords,
  findPurposes,
  getPurpose,
  updatePurpose,
} from './purposes.js';
export { purposeRoutes } from './routes.js';
export { purposesTable } from './schema.js';
