import { z } from 'zod';
import { retentionClassSchema } from './catalog.js';
import { isoDateTime } from './common.js';
import { consentReceiptSchema } from './consents.js';
import { defineEndpoint, publicAccess, requires } from './endpoint.js';
import { dataCategorySchema } from './permissions.js';

/** A free-text value that may hold other people's data: named by where it is, never by what it says. */
export const packageFlagSchema = z.object({
  entity: z.enum(['activity', 'task']),
  id: z.uuid(),
  field: z.string(),
  reason: z.enum(['shared_with_other_people', 'other_email_address', 'other_phone_number']),
});
export type PackageFlag = z.infer<typeof packageFlagSchema>;

export const subjectPackageFormat = 'custodian-subject-package/1';

/**
 * What an access (GDPR Art. 15, CCPA right to know) or portability (Art. 20) request returns: every
 * catalogued field of the person and every record about them, with purposes, lawful bases, recipients,
 * retention, the data's source and who accessed it. The JSON Schema is served at
 * /api/v1/schemas/subject-package.json.
 */
export const subjectPackageSchema = z.object({
  format: z.literal(subjectPackageFormat),
  generatedAt: isoDateTime,
  controller: z.object({
    name: z.string(),
    address: z.string(),
    email: z.string().nullable(),
    dataLocation: z.string(),
  }),
  request: z.object({
    id: z.uuid(),
    type: z.enum(['access', 'portability']),
    regime: z.enum(['gdpr', 'ccpa']),
    receivedAt: isoDateTime,
  }),
  person: z.object({
    fields: z
      .array(
        z.object({
          field: z.string(),
          label: z.string(),
          category: dataCategorySchema,
          value: z.unknown().describe('as stored: text, a list of entries, or custom field values'),
        }),
      )
      .describe('every personal field of the catalog, empty ones included'),
    lifecycleStage: z.string(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    tags: z.array(z.string()),
  }),
  source: z.object({
    how: z.string().describe('how the contact came in: manual, import, web form, …'),
    import: z
      .object({ description: z.string(), lawfulBasis: z.string(), importedAt: isoDateTime })
      .nullable()
      .describe('the list the person came from (GDPR Art. 14(2)(f))'),
  }),
  activities: z.array(
    z.object({
      id: z.uuid(),
      type: z.string(),
      occurredAt: isoDateTime,
      direction: z.string().nullable(),
      subject: z.string().nullable(),
      body: z.string().nullable(),
      sharedWithOthers: z.boolean(),
    }),
  ),
  deals: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      stage: z.string(),
      amountMinor: z.number().nullable(),
      currency: z.string().nullable(),
      closedAt: isoDateTime.nullable(),
    }),
  ),
  tasks: z.array(
    z.object({
      id: z.uuid(),
      title: z.string().nullable(),
      status: z.string(),
      dueAt: isoDateTime.nullable(),
    }),
  ),
  consent: z.object({
    events: z.array(
      z.object({
        id: z.uuid(),
        kind: z.string(),
        purpose: z.string().nullable(),
        method: z.string(),
        occurredAt: isoDateTime,
        source: z.string().nullable(),
      }),
    ),
    receipts: z.array(consentReceiptSchema),
  }),
  campaignMail: z
    .array(
      z.object({
        campaign: z.string(),
        purpose: z.string(),
        status: z.string(),
        sentAt: isoDateTime.nullable(),
        tracked: z.boolean(),
        openedAt: isoDateTime.nullable(),
        clickedAt: isoDateTime.nullable(),
        unsubscribedAt: isoDateTime.nullable(),
        bouncedAt: isoDateTime.nullable(),
        complainedAt: isoDateTime.nullable(),
      }),
    )
    .describe('the campaign e-mails meant for the person, and what was recorded about each'),
  purposes: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      description: z.string(),
      lawfulBasis: z.string(),
      retention: z.string(),
      allowedNow: z.boolean().describe('what the processing guard answers for this person today'),
    }),
  ),
  retention: z.array(z.object({ field: z.string(), retention: retentionClassSchema })),
  profiling: z
    .object({
      purpose: z.object({
        key: z.string(),
        name: z.string(),
        description: z.string(),
        lawfulBasis: z.string(),
        automatedDecisions: z.boolean(),
      }),
      allowedNow: z.boolean().describe('whether the processing guard allows profiling the person today'),
      score: z
        .object({
          score: z.number().int(),
          computedAt: isoDateTime,
          explanation: z.array(
            z.object({ rule: z.string(), points: z.number().int(), count: z.number().int() }),
          ),
        })
        .nullable()
        .describe('the person’s lead score and which rules gave which points; null when none is held'),
      logic: z
        .object({
          summary: z.string(),
          rules: z.array(z.object({ name: z.string(), points: z.number().int(), condition: z.string() })),
          significance: z.string(),
          consequences: z.string(),
          rightToObject: z.string(),
        })
        .describe(
          'meaningful information about the logic involved, its significance and envisaged consequences (GDPR Art. 15(1)(h))',
        ),
    })
    .optional()
    .describe('lead scoring (profiling); absent in packages built before it existed'),
  recipients: z
    .array(z.object({ recipient: z.string(), role: z.string(), what: z.string() }))
    .describe('processors and third parties that received the person’s data'),
  accessLog: z
    .array(
      z.object({
        at: isoDateTime,
        action: z.string(),
        by: z.string().describe('a staff role, or a name where the organisation’s policy says so'),
        purpose: z.string().nullable(),
      }),
    )
    .describe('every read and change of the person’s data, from the audit trail'),
  review: z.object({ flagged: z.array(packageFlagSchema) }),
});
export type SubjectPackage = z.infer<typeof subjectPackageSchema>;

export const packageStatuses = ['review', 'released', 'downloaded', 'expired'] as const;
export const packageStatusSchema = z.object({
  requestId: z.uuid(),
  status: z.enum(packageStatuses),
  flagged: z.array(packageFlagSchema),
  preparedAt: isoDateTime,
  releasedAt: isoDateTime.nullable(),
  expiresAt: isoDateTime.nullable(),
  downloadedAt: isoDateTime.nullable(),
});
export type PackageStatus = z.infer<typeof packageStatusSchema>;

const withId = { params: z.object({ id: z.uuid() }) } as const;

export const getRequestPackage = defineEndpoint({
  method: 'GET',
  path: '/api/v1/requests/:id/package',
  summary: 'The state of an access or portability package, with the free-text values flagged for review',
  tags: ['requests'],
  access: requires('requests:read'),
  ...withId,
  response: { 200: packageStatusSchema },
});

export const previewRequestPackage = defineEndpoint({
  method: 'GET',
  path: '/api/v1/requests/:id/package/preview',
  summary: 'The package itself, for the DPO to review before release (the read is audited)',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  response: { 200: subjectPackageSchema },
});

export const releaseRequestPackage = defineEndpoint({
  method: 'POST',
  path: '/api/v1/requests/:id/package/release',
  summary:
    'Release a reviewed package: the request is fulfilled and a single-use download link, valid 7 days, is returned once to send to the requester',
  tags: ['requests'],
  access: requires('requests:manage'),
  ...withId,
  body: z.object({
    reviewed: z.literal(true).describe('confirms the flagged values were reviewed'),
    note: z.string().trim().min(1).max(2000).optional(),
  }),
  response: {
    200: packageStatusSchema.extend({ downloadUrl: z.url() }),
  },
});

export const downloadPackage = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/packages/:token',
  summary:
    'Download a released package once: a ZIP with package.json (machine-readable), index.html (human-readable) and one CSV per kind of record',
  tags: ['public'],
  access: publicAccess,
  params: z.object({ token: z.string().min(20).max(100) }),
  response: { 200: z.unknown() },
});
