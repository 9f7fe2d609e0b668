import { z } from 'zod';

/**
 * The purposes personal data may be processed for. Every request that reads personal data names one
 * (header `X-Purpose`, or the role's default); the catalog says which fields each purpose may use, and the
 * audit trail records it.
 */
export const purposes = [
  'sales_follow_up',
  'customer_support',
  'marketing_email',
  'newsletter',
  'analytics',
  'profiling',
  'contract_fulfilment',
  'legal_obligation',
  'data_subject_rights',
] as const;
export type Purpose = (typeof purposes)[number];
export const purposeSchema = z.enum(purposes);
export const isPurpose = (value: string): value is Purpose => (purposes as readonly string[]).includes(value);
