import { z } from 'zod';
import { isoDateTime } from './common.js';
import { defineEndpoint, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';
import { art9ConditionSchema, lawfulBasisSchema, purposeSchema } from './purposes.js';
import { recipientRoleSchema, transferMechanismSchema } from './recipients.js';

/**
 * The records of processing activities (GDPR Art. 30(1)), generated from the catalog, the purposes, the
 * retention policies, the recipients and the running configuration: never typed in, so they cannot drift.
 */
export const processingActivitySchema = z.object({
  purpose: purposeSchema,
  name: z.string(),
  description: z.string(),
  lawfulBasis: lawfulBasisSchema,
  art9Condition: art9ConditionSchema.nullable(),
  dpv: z.object({ purpose: z.string(), legalBasis: z.string(), gdpr: z.string() }),
  /** Art. 30(1)(c): categories of data subjects, from the tables whose fields the purpose uses. */
  dataSubjects: z.array(z.string()),
  /** Art. 30(1)(c): categories of personal data, with the catalog fields in each. */
  dataCategories: z.array(z.object({ category: dataCategorySchema, fields: z.array(z.string()) })),
  /** Art. 30(1)(d): recipients. */
  recipients: z.array(
    z.object({
      name: z.string(),
      role: z.union([recipientRoleSchema, z.enum(['mail_server', 'pseudonymised_export'])]),
    }),
  ),
  /** Art. 30(1)(e): transfers to third countries and their safeguards. */
  transfers: z.array(
    z.object({
      recipient: z.string(),
      countries: z.array(z.string()),
      mechanism: transferMechanismSchema,
      detail: z.string().nullable(),
    }),
  ),
  /** Art. 30(1)(f): time limits for erasure. */
  erasure: z.object({
    statement: z.string(),
    legalMinimumMonths: z.number().int().nullable(),
    policies: z.array(z.object({ id: z.uuid(), name: z.string(), rule: z.string(), enabled: z.boolean() })),
  }),
});
export type ProcessingActivity = z.infer<typeof processingActivitySchema>;

export const recordsOfProcessingSchema = z.object({
  generatedAt: isoDateTime,
  /** Art. 30(1)(a). */
  controller: z.object({
    name: z.string(),
    address: z.string(),
    email: z.string().nullable(),
    url: z.string(),
    dpo: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  }),
  activities: z.array(processingActivitySchema),
  /**
   * Art. 30(2): the records this organisation keeps as a processor, one per controller it processes for
   * (recipients with the role `controller`). The processor's details are `controller` above; its security
   * measures are `security` below (30(2)(d)).
   */
  asProcessor: z.array(
    z.object({
      /** 30(2)(a): the controller and its contact. */
      controller: z.object({ name: z.string(), contact: z.string().nullable() }),
      /** 30(2)(b): the categories of processing carried out on its behalf. */
      processing: z.string(),
      dataCategories: z.array(dataCategorySchema),
      agreement: z.object({ signedAt: z.iso.date().nullable(), reviewAt: z.iso.date().nullable() }),
      /** 30(2)(c): transfers to third countries and their safeguards. */
      transfers: z
        .object({
          countries: z.array(z.string()),
          mechanism: transferMechanismSchema,
          detail: z.string().nullable(),
        })
        .nullable(),
      /** Our own sub-processors (Art. 28(2), (4)): they may receive this controller's data. */
      subProcessors: z.array(z.string()),
    }),
  ),
  /** Art. 30(1)(g) and 30(2)(d), from the running configuration. */
  security: z.array(z.object({ measure: z.string(), detail: z.string() })),
});
export type RecordsOfProcessing = z.infer<typeof recordsOfProcessingSchema>;

export const getRecordsOfProcessing = defineEndpoint({
  method: 'GET',
  path: '/api/v1/records-of-processing',
  summary:
    'The records of processing activities (GDPR Art. 30(1)), generated from the catalog, purposes, retention policies, recipients and the running configuration. Also as .csv, .html (printable) and .jsonld (W3C DPV).',
  tags: ['accountability'],
  access: requires('recipients:read'),
  response: { 200: recordsOfProcessingSchema },
});

const rendition = (path: string, summary: string, media: string) =>
  defineEndpoint({
    method: 'GET',
    path,
    summary,
    tags: ['accountability'],
    access: requires('recipients:read'),
    response: { 200: z.string().describe(media) },
  });
export const getRecordsOfProcessingCsv = rendition(
  '/api/v1/records-of-processing.csv',
  'The records of processing as CSV: one row per purpose',
  'CSV (RFC 4180), UTF-8',
);
export const getRecordsOfProcessingHtml = rendition(
  '/api/v1/records-of-processing.html',
  'The records of processing as a printable page',
  'HTML',
);
export const getRecordsOfProcessingJsonLd = rendition(
  '/api/v1/records-of-processing.jsonld',
  'The records of processing in W3C Data Privacy Vocabulary terms (JSON-LD)',
  'JSON-LD (application/ld+json)',
);
