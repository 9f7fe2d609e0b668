import type { Purpose } from '@custodian/contracts';

/** Purpose groups the declarations reuse, so a field's purposes read as a sentence. */
export const relationshipPurposes = [
  'sales_follow_up',
  'customer_support',
  'contract_fulfilment',
  'legal_obligation',
  'data_subject_rights',
] as const satisfies readonly Purpose[];

export const reachPurposes = [
  ...relationshipPurposes,
  'marketing_email',
  'newsletter',
] as const satisfies readonly Purpose[];
