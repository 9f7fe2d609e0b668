export {
  certificateEntity,
  getRequestCertificate,
  issueCertificate,
  unlinkCertificatesFrom,
} from './certificates.js';
export {
  activeHoldsOf,
  dealIsHeld,
  type HoldScope,
  liftLegalHold,
  listLegalHolds,
  placeLegalHold,
} from './legal-holds.js';
export { type EraseContact, erasureRoutes } from './routes.js';
export { type ScanResult, scanForTraces, type Traces } from './scan.js';
export { erasureCertificates, legalHolds } from './schema.js';
