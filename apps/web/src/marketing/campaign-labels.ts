import type { Campaign } from '@custodian/contracts';
import { humanize } from '../ui/format.js';

/** Why the processing guard refused a recipient, in plain words. */
const refusalWords: Record<string, string> = {
  no_address: 'No e-mail address',
  no_consent: 'No consent',
  consent_pending: 'Consent not confirmed yet',
  consent_withdrawn: 'Consent withdrawn',
  consent_refused: 'Consent refused',
  consent_expired: 'Consent expired',
  consent_stale: 'Consent given under an old notice',
  erased: 'Erased',
  no_lawful_basis: 'No lawful basis',
  under_age: 'Under age',
  objection: 'Objected',
  restriction: 'Processing restricted',
  opted_out_of_sale_or_sharing: 'Opted out of sale or sharing',
  sensitive_use_limited: 'Limited the use of sensitive data',
  suppressed: 'Suppressed',
  undeliverable: 'Undeliverable address',
};
export const refusalLabel = (reason: string): string => refusalWords[reason] ?? humanize(reason);

export const statusWords: Record<Campaign['status'], string> = {
  draft: 'Draft',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled',
};

export const refusedTotal = (c: Campaign): number => c.counts.refused.reduce((sum, r) => sum + r.count, 0);

/** While a campaign is on its way its counts change: the pages ask again every second. */
export const isUnderway = (c: Campaign | undefined): boolean =>
  c?.status === 'queued' || c?.status === 'sending';
