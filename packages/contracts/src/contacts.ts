import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime, pageOf, pageQuery } from './common.js';
import { customValueSchema, customValuesSchema } from './custom-fields.js';
import { defineEndpoint, requires } from './endpoint.js';

/** What a masked personal value reads as, for a caller whose role or purpose may not see it. */
export const restrictedValue = '[restricted]';

export const lifecycleStages = ['lead', 'prospect', 'customer', 'former'] as const;
export const lifecycleStageSchema = z.enum(lifecycleStages);
export const contactSources = ['manual', 'import', 'web_form', 'api', 'referral', 'event', 'other'] as const;
export const contactSourceSchema = z.enum(contactSources);

const label = z.string().trim().min(1).max(40);
const shortText = (max: number) => z.string().trim().min(1).max(max);

export const emailEntrySchema = z.object({
  value: z.email().max(254),
  label: label.optional(),
  primary: z.boolean().optional(),
});
export const phoneEntrySchema = z.object({
  value: z
    .string()
    .trim()
    .min(3)
    .max(40)
    .regex(/^\+?[0-9 ().\-/]+$/, 'must be a phone number in international form (+country code)'),
  label: label.optional(),
  primary: z.boolean().optional(),
});
export const addressSchema = z.object({
  label: label.optional(),
  street: shortText(200).optional(),
  city: shortText(100).optional(),
  region: shortText(100).optional(),
  postalCode: shortText(20).optional(),
  /** ISO 3166-1 alpha-2. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
    .optional(),
});
const tagName = z.string().trim().min(1).max(50);

const contactFields = {
  firstName: shortText(100).nullable(),
  lastName: shortText(100).nullable(),
  emails: z.array(emailEntrySchema).max(10),
  phones: z.array(phoneEntrySchema).max(10),
  addresses: z.array(addressSchema).max(5),
  jobTitle: shortText(200).nullable(),
  dateOfBirth: z.iso.date().nullable(),
  ownerId: z.uuid().nullable(),
  companyId: z.uuid().nullable(),
  source: contactSourceSchema,
  lifecycleStage: lifecycleStageSchema,
  tags: z.array(tagName).max(50),
  /** Values of the custom fields defined for contacts, by key; `null` clears one. */
  customFields: customValuesSchema,
};

export const createContactBody = z
  .object(contactFields)
  .partial()
  .refine((b) => b.firstName || b.lastName || (b.emails && b.emails.length > 0), {
    message: 'a contact needs a first name, a last name or an e-mail address',
    path: ['firstName'],
  });
export type CreateContactInput = z.infer<typeof createContactBody>;

export const updateContactBody = z
  .object(contactFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateContactInput = z.infer<typeof updateContactBody>;

/** The personal fields a rectification request (Art. 16) may correct. */
export const contactCorrectionsBody = z
  .object(contactFields)
  .pick({
    firstName: true,
    lastName: true,
    emails: true,
    phones: true,
    addresses: true,
    jobTitle: true,
    dateOfBirth: true,
    customFields: true,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to correct' });
export type ContactCorrectionsInput = z.infer<typeof contactCorrectionsBody>;

/** In answers a masked value is `"[restricted]"`, so values are plain strings here. */
const entryOut = z.object({ value: z.string(), label: z.string().nullable(), primary: z.boolean() });
export const contactSchema = z.object({
  id: z.uuid(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  emails: z.array(
    entryOut.extend({
      undeliverableSince: z
        .string()
        .optional()
        .describe('When mail to this address bounced for good or was reported as spam; campaigns skip it'),
    }),
  ),
  phones: z.array(entryOut),
  addresses: z.array(
    z.object({
      label: z.string().nullable(),
      street: z.string().nullable(),
      city: z.string().nullable(),
      region: z.string().nullable(),
      postalCode: z.string().nullable(),
      country: z.string().nullable(),
    }),
  ),
  jobTitle: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  /** Under the age of digital consent (16), derived from the date of birth; null when unknown or masked. */
  isChild: z.boolean().nullable(),
  ownerId: z.uuid().nullable(),
  companyId: z.uuid().nullable(),
  source: contactSourceSchema,
  lifecycleStage: lifecycleStageSchema,
  tags: z.array(z.string()),
  /** By key; a value the caller may not see reads `"[restricted]"` and is listed in `restricted`. */
  customFields: z.record(z.string(), customValueSchema),
  lastActivityAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  /** The personal fields masked as `"[restricted]"` for this caller (role or purpose without the right). */
  restricted: z.array(z.string()),
});
export type Contact = z.infer<typeof contactSchema>;

export const contactSorts = [
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'lastActivityAt',
  '-lastActivityAt',
  'name',
  '-name',
] as const;
/** Sorting by name decrypts the matching contacts: it works on filtered sets of at most this many. */
export const nameSortLimit = 5000;

export const listContactsQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'An e-mail address or a phone number (exact match), or words that each start a word of the name',
    ),
  lifecycleStage: lifecycleStageSchema.optional(),
  ownerId: z.uuid().optional(),
  companyId: z.uuid().optional(),
  tag: tagName.optional(),
  sort: z.enum(contactSorts).default('-createdAt'),
});
export type ListContactsQuery = z.infer<typeof listContactsQuery>;

export const listContacts = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts',
  summary: `List and search contacts. \`q\` finds by e-mail or phone (exact) or by the start of any word of the name, through blind indexes. Sorting by \`name\` decrypts the filtered set and works when it holds at most ${nameSortLimit} contacts (narrow it with \`q\`, \`tag\`, \`ownerId\` or \`lifecycleStage\`); the other sorts work on any size. There is no total count: pages follow \`nextCursor\`.`,
  tags: ['contacts'],
  access: requires('contacts:read'),
  querystring: listContactsQuery,
  response: { 200: pageOf(contactSchema) },
});

export const getContact = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/:id',
  summary: 'Get one contact',
  tags: ['contacts'],
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: contactSchema },
});

export const createContact = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts',
  summary: 'Create a contact (a data subject with its own encryption key)',
  tags: ['contacts'],
  access: requires('contacts:write'),
  body: createContactBody,
  response: { 201: contactSchema },
});

export const updateContact = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/contacts/:id',
  summary: 'Change a contact; the fields sent replace the stored ones',
  tags: ['contacts'],
  access: requires('contacts:write'),
  params: idParams,
  body: updateContactBody,
  response: { 200: contactSchema },
});

export const deleteContact = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/contacts/:id',
  summary: 'Delete a contact: the record goes and the person’s key is destroyed (crypto-shredding)',
  tags: ['contacts'],
  access: requires('contacts:delete'),
  params: idParams,
  response: { 204: emptyResponse },
});

/** At most this many contacts are returned in one duplicate group. */
export const duplicateGroupLimit = 100;

export const findDuplicateContactsQuery = pageQuery.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type FindDuplicateContactsQuery = z.infer<typeof findDuplicateContactsQuery>;

export const duplicateReasons = ['email', 'phone'] as const;
export const duplicateGroupSchema = z.object({
  /** The field whose normalised value the contacts share. */
  reason: z.enum(duplicateReasons),
  contacts: z.array(contactSchema),
});
export type DuplicateGroup = z.infer<typeof duplicateGroupSchema>;

export const findDuplicateContacts = defineEndpoint({
  method: 'GET',
  path: '/api/v1/contacts/duplicates',
  summary: `Groups of contacts that share an e-mail address or a phone number (compared normalised, through the blind indexes). Only fields the caller may see under their role and purpose are compared. A group lists at most ${duplicateGroupLimit} contacts; pages follow \`nextCursor\`.`,
  tags: ['contacts'],
  access: requires('contacts:read'),
  querystring: findDuplicateContactsQuery,
  response: { 200: pageOf(duplicateGroupSchema) },
});

/** Scalar fields a merge takes from one side; lists (e-mails, phones, addresses, tags) are united. */
export const mergeChoiceFields = [
  'firstName',
  'lastName',
  'jobTitle',
  'dateOfBirth',
  'ownerId',
  'companyId',
  'source',
  'lifecycleStage',
] as const;
export const mergeContactsBody = z.object({
  /** The contact merged into this one, then deleted (its key destroyed). */
  otherId: z.uuid(),
  /** Which side each field comes from; by default this contact's, or the other's where this one has none. */
  take: z.partialRecord(z.enum(mergeChoiceFields), z.enum(['this', 'other'])).default({}),
});
export type MergeContactsInput = z.infer<typeof mergeContactsBody>;

export const mergeContacts = defineEndpoint({
  method: 'POST',
  path: '/api/v1/contacts/:id/merge',
  summary:
    'Merge another contact into this one, in one transaction: fields as chosen, e-mails, phones, addresses and tags united, activities, deals and tasks moved; the other contact is then deleted and its key destroyed. Audited under both people.',
  tags: ['contacts'],
  access: requires('contacts:write'),
  params: idParams,
  body: mergeContactsBody,
  response: { 200: contactSchema },
});
