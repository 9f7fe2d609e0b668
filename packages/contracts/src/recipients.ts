import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';
import { purposeSchema } from './purposes.js';

/**
 * Who receives personal data from the controller (GDPR Art. 4(9), 28, 26); and `controller`: a controller
 * on whose behalf this organisation processes data as its processor (the Art. 30(2) records). A `controller`
 * is not a recipient: it is left out of the Art. 30(1) records and of access packages.
 */
export const recipientRoles = [
  'processor',
  'sub_processor',
  'joint_controller',
  'third_party',
  'controller',
] as const;
export const recipientRoleSchema = z.enum(recipientRoles);

/** How a transfer to a third country is safeguarded (GDPR Chapter V). */
export const transferMechanisms = [
  'adequacy_decision', // Art. 45
  'standard_contractual_clauses', // Art. 46(2)(c)
  'binding_corporate_rules', // Art. 47
  'art49_derogation', // Art. 49
] as const;
export const transferMechanismSchema = z.enum(transferMechanisms);
export type TransferMechanism = z.infer<typeof transferMechanismSchema>;

/** EU member states, Iceland, Liechtenstein and Norway: no transfer safeguard needed. */
export const eeaCountries = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
] as const; // biome-ignore format: a list of codes

/** Countries with a Commission adequacy decision (Art. 45), as of 2026; the US for certified organisations. */
export const adequateCountries = [
  'AD', 'AR', 'CA', 'FO', 'GG', 'IL', 'IM', 'JP', 'JE', 'NZ', 'KR', 'CH', 'GB', 'UY', 'US',
] as const; // biome-ignore format: a list of codes

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');
const day = z.iso.date();

export const recipientSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: recipientRoleSchema,
  services: z.string(),
  purposes: z.array(purposeSchema),
  categories: z.array(dataCategorySchema),
  countries: z.array(z.string()),
  /** Countries outside the EEA among `countries`: each transfer there needs `transferMechanism`. */
  thirdCountries: z.array(z.string()),
  transferMechanism: transferMechanismSchema.nullable(),
  sccDate: day.nullable().describe('when the standard contractual clauses were signed'),
  derogation: z.string().nullable().describe('for an Art. 49 derogation: which one, and why'),
  dpaSignedAt: day.nullable().describe('the data processing agreement (Art. 28(3))'),
  dpaReviewAt: day.nullable(),
  reviewDue: z.boolean().describe('the review date has passed'),
  securityMeasures: z.string(),
  /** The recipient's privacy contact; may name a person, so it is encrypted like any personal field. */
  contact: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Recipient = z.infer<typeof recipientSchema>;

const recipientFields = z.object({
  name: z.string().trim().min(1).max(200),
  role: recipientRoleSchema,
  services: z.string().trim().max(2000).default(''),
  purposes: z.array(purposeSchema).max(20).default([]),
  categories: z.array(dataCategorySchema).max(20).default([]),
  countries: z.array(countryCode).min(1).max(50),
  transferMechanism: transferMechanismSchema.nullable().default(null),
  sccDate: day.nullable().default(null),
  derogation: z.string().trim().min(1).max(1000).nullable().default(null),
  dpaSignedAt: day.nullable().default(null),
  dpaReviewAt: day.nullable().default(null),
  securityMeasures: z.string().trim().max(4000).default(''),
  contact: z.string().trim().min(1).max(300).nullable().default(null),
});
type RecipientShape = z.infer<typeof recipientFields>;

/** Checks within one record: transfers outside the EEA need their safeguard, processors their agreement. */
export function recipientIssues(
  r: Omit<RecipientShape, 'name' | 'services' | 'purposes' | 'categories' | 'securityMeasures' | 'contact'>,
): { field: string; issue: string }[] {
  const issues: { field: string; issue: string }[] = [];
  const third = r.countries.filter((c) => !(eeaCountries as readonly string[]).includes(c));
  if (third.length > 0 && !r.transferMechanism)
    issues.push({
      field: 'transferMechanism',
      issue: 'is required for a transfer to a country outside the EEA',
    });
  if (
    r.transferMechanism === 'adequacy_decision' &&
    third.some((c) => !(adequateCountries as readonly string[]).includes(c))
  )
    issues.push({
      field: 'transferMechanism',
      issue: 'no adequacy decision covers one of the countries outside the EEA',
    });
  if (r.transferMechanism === 'standard_contractual_clauses' && !r.sccDate)
    issues.push({ field: 'sccDate', issue: 'is required with standard contractual clauses' });
  if (r.transferMechanism === 'art49_derogation' && !r.derogation)
    issues.push({ field: 'derogation', issue: 'name the Art. 49 derogation relied on' });
  if ((r.role === 'processor' || r.role === 'sub_processor') && !r.dpaSignedAt)
    issues.push({ field: 'dpaSignedAt', issue: 'a processor needs a signed agreement (Art. 28(3))' });
  if (r.role === 'controller' && !r.dpaSignedAt)
    issues.push({
      field: 'dpaSignedAt',
      issue: 'processing for a controller needs its signed agreement (Art. 28(3))',
    });
  if (r.dpaReviewAt && r.dpaSignedAt && r.dpaReviewAt < r.dpaSignedAt)
    issues.push({ field: 'dpaReviewAt', issue: 'is before the signature' });
  return issues;
}

const withIssues = (r: RecipientShape, ctx: z.RefinementCtx) => {
  for (const i of recipientIssues(r)) ctx.addIssue({ code: 'custom', path: [i.field], message: i.issue });
};

export const createRecipientBody = recipientFields.superRefine(withIssues);
export type CreateRecipientInput = z.infer<typeof createRecipientBody>;
/** A change names only what changes; the merged record is checked as a whole. */
export const updateRecipientBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: recipientRoleSchema,
    services: z.string().trim().max(2000),
    purposes: z.array(purposeSchema).max(20),
    categories: z.array(dataCategorySchema).max(20),
    countries: z.array(countryCode).min(1).max(50),
    transferMechanism: transferMechanismSchema.nullable(),
    sccDate: day.nullable(),
    derogation: z.string().trim().min(1).max(1000).nullable(),
    dpaSignedAt: day.nullable(),
    dpaReviewAt: day.nullable(),
    securityMeasures: z.string().trim().max(4000),
    contact: z.string().trim().min(1).max(300).nullable(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateRecipientInput = z.infer<typeof updateRecipientBody>;

export const updateRecipient = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/recipients/:id',
  summary: 'Change a recipient (e.g. a renewed agreement and its next review); checked as a whole',
  tags: ['accountability'],
  access: requires('recipients:manage'),
  params: idParams,
  body: updateRecipientBody,
  response: { 200: recipientSchema },
});

export const listRecipients = defineEndpoint({
  method: 'GET',
  path: '/api/v1/recipients',
  summary:
    'Processors, joint controllers and third parties that receive personal data, with transfers and agreements',
  tags: ['accountability'],
  access: requires('recipients:read'),
  response: { 200: z.object({ items: z.array(recipientSchema) }) },
});
export const getRecipient = defineEndpoint({
  method: 'GET',
  path: '/api/v1/recipients/:id',
  summary: 'One recipient',
  tags: ['accountability'],
  access: requires('recipients:read'),
  params: idParams,
  response: { 200: recipientSchema },
});
export const createRecipient = defineEndpoint({
  method: 'POST',
  path: '/api/v1/recipients',
  summary:
    'Record a recipient. Countries outside the EEA need a transfer mechanism (adequacy only where a decision exists; SCCs with their date; an Art. 49 derogation named); processors need a signed agreement.',
  tags: ['accountability'],
  access: requires('recipients:manage'),
  body: createRecipientBody,
  response: { 201: recipientSchema },
});
export const deleteRecipient = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/recipients/:id',
  summary: 'Remove a recipient that no longer receives data (the records of processing follow)',
  tags: ['accountability'],
  access: requires('recipients:manage'),
  params: idParams,
  response: { 204: emptyResponse },
});
