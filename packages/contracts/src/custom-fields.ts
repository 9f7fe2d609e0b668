import { z } from 'zod';
import { specialKindSchema } from './catalog.js';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';
import { purposeSchema } from './purposes.js';

export const customFieldTypes = ['text', 'number', 'date', 'select', 'boolean'] as const;
export const customFieldEntities = ['contact', 'company', 'deal'] as const;

/** A custom field value as sent and stored; `null` clears it. */
export const customValueSchema = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);
export const customValuesSchema = z
  .record(z.string().max(40), customValueSchema)
  .refine((v) => Object.keys(v).length <= 100, { message: 'at most 100 custom fields' });
export type CustomValues = z.infer<typeof customValuesSchema>;

export const defineCustomFieldBody = z
  .object({
    entity: z.enum(customFieldEntities),
    /** Stable key used in the API, e.g. `shoe_size`. */
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _'),
    label: z.string().trim().min(1).max(100),
    type: z.enum(customFieldTypes),
    /** The choices of a `select` field. */
    options: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
    /** Whether the field holds personal data; deals hold none, so their fields must say false. */
    personal: z.boolean().default(true),
    category: dataCategorySchema.optional(),
    specialKind: specialKindSchema.optional(),
    purposes: z.array(purposeSchema).min(1).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'select' && !b.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field lists its options' });
    if (b.type !== 'select' && b.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a select field has options' });
    if (b.options && new Set(b.options).size !== b.options.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must differ' });
    if (b.personal && !b.category)
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'a personal field names its category' });
    if (!b.personal && (b.category || b.specialKind))
      ctx.addIssue({
        code: 'custom',
        path: ['category'],
        message: 'a field that is not personal has no category',
      });
    if (b.category === 'special' && !b.specialKind)
      ctx.addIssue({
        code: 'custom',
        path: ['specialKind'],
        message: 'a special-category field names its GDPR Art. 9 kind',
      });
    if (b.specialKind && b.category !== 'special')
      ctx.addIssue({
        code: 'custom',
        path: ['specialKind'],
        message: 'only special-category fields have a kind',
      });
    if (b.entity === 'deal' && b.personal)
      ctx.addIssue({
        code: 'custom',
        path: ['personal'],
        message: 'deals hold no personal data: put personal details on the linked contact',
      });
  });
export type DefineCustomFieldInput = z.infer<typeof defineCustomFieldBody>;

export const customFieldSchema = z.object({
  id: z.uuid(),
  entity: z.enum(customFieldEntities),
  key: z.string(),
  label: z.string(),
  type: z.enum(customFieldTypes),
  options: z.array(z.string()).nullable(),
  personal: z.boolean(),
  category: dataCategorySchema.nullable(),
  specialKind: specialKindSchema.nullable(),
  purposes: z.array(purposeSchema),
  createdAt: isoDateTime,
});
export type CustomField = z.infer<typeof customFieldSchema>;

export const listCustomFields = defineEndpoint({
  method: 'GET',
  path: '/api/v1/custom-fields',
  summary: 'The custom fields defined on contacts, companies and deals, each with its classification',
  tags: ['catalog'],
  access: requires('catalog:read'),
  querystring: z.object({ entity: z.enum(customFieldEntities).optional() }),
  response: { 200: z.object({ items: z.array(customFieldSchema) }) },
});

export const defineCustomField = defineEndpoint({
  method: 'POST',
  path: '/api/v1/custom-fields',
  summary:
    'Define a custom field, classified like every catalogued field: personal or not, its category (a special category names its Art. 9 kind) and the purposes that may use it. Values of personal fields are encrypted with the record; masking follows the classification.',
  tags: ['catalog'],
  access: requires('fields:manage'),
  body: defineCustomFieldBody,
  response: { 201: customFieldSchema },
});

export const getCustomField = defineEndpoint({
  method: 'GET',
  path: '/api/v1/custom-fields/:id',
  summary: 'One custom field',
  tags: ['catalog'],
  access: requires('catalog:read'),
  params: idParams,
  response: { 200: customFieldSchema },
});
