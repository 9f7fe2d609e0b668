export { auditEntriesOfSubject, findAuditEntries, findAuditEntryId } from './find-audit-entries.js';
export { type AuditEvent, recordAudit } from './record-audit.js';
export { auditRoutes } from './routes.js';
export { sealAll, sealAuditChain } from './seal-audit-chain.js';
export { startAuditSealer } from './sealer.js';
export { verifyAuditChain } from './verify-audit-chain.js';
