import type { Executor } from './db/database.js';

/**
 * The processing guard as the modules that process people see it. The consent module implements it; code
 * that sends, exports or scores people receives it as a required dependency, so it cannot be left out.
 */
export interface ProcessingGuard {
  /** The contacts among `contactIds` that may be processed for `purpose` now. */
  allowedContacts(ex: Executor, purpose: string, contactIds: readonly string[]): Promise<Set<string>>;
}
