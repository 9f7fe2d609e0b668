export { type Finding, type FindingKind, findingKinds, kindsIn, scanText } from './detect.js';
export { closeFinding, type FindingRow, findFinding, listFindings, recordFindings } from './findings.js';
export { type RedactFinding, scannerRoutes } from './routes.js';
export { scannerFindings } from './schema.js';
