export {
  confirmationMailQueue,
  enqueueConfirmationMail,
  sendConfirmationMail,
  startConsentWorkers,
  sweepConfirmations,
} from './confirmation-mail.js';
export { receiptsOfSubject } from './consent-receipt.js';
export type { ConsentDeps, PublicConsentDeps } from './deps.js';
export { gpcSupport, honourGpc, sendsGpc } from './gpc.js';
export { applyToPurpose, type LedgerEvent, type PurposeState } from './ledger.js';
export { answerProcessing, assertMayProcess, type GuardAnswer, processingGuard } from './may-process.js';
export { publicConsentRoutes } from './public-routes.js';
export { cleanSource, hashNetworkAddress } from './record-consent-event.js';
export {
  appendLedgerEvent,
  appendLedgerEvents,
  copyLedger,
  deleteConsentRecords,
  deleteSubjectState,
  emptyProof,
  findLedger,
  findLedgerMoments,
  listEventRows,
  mergedSubjectsOf,
  type NewLedgerEvent,
  openEvents,
  rebuildSubjectState,
} from './repository.js';
export {
  enqueueRestrictionLiftedMail,
  restrictionLiftedQueue,
  sendRestrictionLiftedMail,
} from './restriction-lifted-mail.js';
export { consentRoutes } from './routes.js';
export { consentEvents, consentStates, subjectChoices } from './schema.js';
