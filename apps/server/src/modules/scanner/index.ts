export { type Finding, type FindingKind, findingKinds, kindsIn, scanText } from './detect.js';
export {
  assertNoIdentifiers,
  closeFinding,
  customFieldTexts,
  type FindingRow,
  findFinding,
  listFindings,
  reclassifyFinding,
  recordContactFindings,
  recordFindings,
  recordNewFindings,
  type ScannedTexts,
  scanNewTexts,
  specialFieldsOf,
} from './findings.js';
export { type RedactFinding, scannerRoutes } from './routes.js';
export {
  advanceScan,
  findActiveScan,
  finishScan,
  listScans,
  presentScan,
  requestScan,
  type ScanPhase,
  startScan,
} from './scans.js';
export { scannerFindings, scannerScans } from './schema.js';
