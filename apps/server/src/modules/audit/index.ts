export { auditEntriesOfSubject, findAuditEntries, findAuditEntryId } from './find-audit-entries.js';
export { affectedContactIds, assessImpact } from './impact-assessment.js';
export { auditPruneFigures, latestCheckpoint, pruneAuditTrail } from './prune-audit-trail.js';
export { type AuditEvent, recordAudit } from './record-audit.js';
export { auditRoutes } from './routes.js';
export { auditCheckpoints, auditEntries } from './schema.js';
export { sealAll, sealAuditChain } from './seal-audit-chain.js';
export { startAuditSealer } from './sealer.js';
export { verifyAuditChain } from './verify-audit-chain.js';
