import { z } from 'zod';
import { emptyResponse, idParams, isoDateTime, pageOf, pageQuery } from './common.js';
import { customValueSchema, customValuesSchema } from './custom-fields.js';
import { defineEndpoint, requires } from './endpoint.js';

export const companySizes = ['1-10', '11-50', '51-200', '201-1000', '1001+'] as const;

const companyFields = {
  name: z.string().trim().min(1).max(200),
  /** The organisation's web domain, e.g. example.com. */
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/, 'must be a domain name such as example.com')
    .nullable(),
  industry: z.string().trim().min(1).max(100).nullable(),
  size: z.enum(companySizes).nullable(),
  city: z.string().trim().min(1).max(100).nullable(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
    .nullable(),
  ownerId: z.uuid().nullable(),
  customFields: customValuesSchema,
};

export const createCompanyBody = z.object(companyFields).partial().required({ name: true });
export type CreateCompanyInput = z.infer<typeof createCompanyBody>;
export const updateCompanyBody = z
  .object(companyFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateCompanyInput = z.infer<typeof updateCompanyBody>;

export const companySchema = z.object({
  id: z.uuid(),
  /** `"[restricted]"` for a caller whose role or purpose may not see it (a sole trader's name is a person's). */
  name: z.string(),
  domain: z.string().nullable(),
  industry: z.string().nullable(),
  size: z.enum(companySizes).nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
  ownerId: z.uuid().nullable(),
  customFields: z.record(z.string(), customValueSchema),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  restricted: z.array(z.string()),
});
export type Company = z.infer<typeof companySchema>;

export const listCompaniesQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Words that each start a word of the name'),
  domain: z.string().trim().toLowerCase().max(253).optional(),
  ownerId: z.uuid().optional(),
});
export type ListCompaniesQuery = z.infer<typeof listCompaniesQuery>;

export const listCompanies = defineEndpoint({
  method: 'GET',
  path: '/api/v1/companies',
  summary: 'List companies, newest first; `q` searches the name by word prefix (blind index)',
  tags: ['companies'],
  access: requires('companies:read'),
  querystring: listCompaniesQuery,
  response: { 200: pageOf(companySchema) },
});
export const getCompany = defineEndpoint({
  method: 'GET',
  path: '/api/v1/companies/:id',
  summary: 'Get one company',
  tags: ['companies'],
  access: requires('companies:read'),
  params: idParams,
  response: { 200: companySchema },
});
export const createCompany = defineEndpoint({
  method: 'POST',
  path: '/api/v1/companies',
  summary: 'Create a company',
  tags: ['companies'],
  access: requires('companies:write'),
  body: createCompanyBody,
  response: { 201: companySchema },
});
export const updateCompany = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/companies/:id',
  summary: 'Change a company',
  tags: ['companies'],
  access: requires('companies:write'),
  params: idParams,
  body: updateCompanyBody,
  response: { 200: companySchema },
});
export const deleteCompany = defineEndpoint({
  method: 'DELETE',
  path: '/api/v1/companies/:id',
  summary: 'Delete a company; its contacts and deals stay, without the link',
  tags: ['companies'],
  access: requires('companies:write'),
  params: idParams,
  response: { 204: emptyResponse },
});
