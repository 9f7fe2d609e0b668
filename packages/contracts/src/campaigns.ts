import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, publicAccess, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/**
 * E-mail campaigns: a template, a segment and a purpose. At send time every recipient passes the processing
 * guard for the purpose; every message carries one-click unsubscribe (RFC 8058). Open and click tracking is off
 * unless the campaign turns it on, and then only for people whose consent for `email_tracking` is given.
 */
export const campaignStatuses = ['draft', 'queued', 'sending', 'sent', 'cancelled'] as const;

/** Merge fields a template may use, from the catalog's identity fields; values are escaped in HTML. */
export const mergeFields = ['firstName', 'lastName'] as const;
const mergePattern = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Merge fields named in a template that do not exist. */
export function unknownMergeFields(template: string): string[] {
  return [...template.matchAll(mergePattern)]
    .map((m) => m[1]!)
    .filter((name) => !(mergeFields as readonly string[]).includes(name));
}

const templateText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((v, ctx) => {
      const unknown = unknownMergeFields(v);
      if (unknown.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `unknown merge field(s): ${unknown.join(', ')}; use ${mergeFields.join(', ')}`,
        });
    });

export const campaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  purpose: purposeSchema,
  segmentId: z.uuid().nullable(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  status: z.enum(campaignStatuses),
  tracking: z
    .boolean()
    .describe(
      'Opens and clicks are recorded, only for recipients who consented to the email_tracking purpose',
    ),
  scheduledAt: isoDateTime.nullable(),
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
  counts: z.object({
    recipients: z.number().int().describe('Members of the segment when sending started'),
    sent: z.number().int(),
    pending: z.number().int(),
    /** Refused at send time by the processing guard, by its first reason; `no_address` without an e-mail. */
    refused: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    failed: z.number().int().describe('The mail server refused them after every retry'),
    uncertain: z
      .number()
      .int()
      .describe('A crash came while they were handed to the mail server: never sent again, to be checked'),
    unsubscribed: z.number().int(),
    bounced: z.number().int().describe('Permanent bounces: refused at once or reported later by a DSN'),
    complaints: z.number().int().describe('Spam complaints (feedback reports)'),
    tracked: z
      .number()
      .int()
      .describe('Messages sent with tracking (the person consented to email_tracking)'),
    opened: z.number().int().describe('Tracked messages opened (images loaded)'),
    clicked: z.number().int().describe('Tracked messages with a link followed'),
  }),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Campaign = z.infer<typeof campaignSchema>;

const fields = {
  name: z.string().trim().min(1).max(200),
  purpose: purposeSchema,
  segmentId: z.uuid(),
  subject: templateText(300).pipe(z.string().trim().min(1)),
  html: templateText(200_000),
  text: templateText(100_000).pipe(z.string().trim().min(1)),
  tracking: z.boolean(),
};
export const createCampaignBody = z.object({
  ...fields,
  html: fields.html.default(''),
  tracking: fields.tracking.default(false),
});
export type CreateCampaignInput = z.infer<typeof createCampaignBody>;
export const updateCampaignBody = z
  .object(fields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });
export type UpdateCampaignInput = z.infer<typeof updateCampaignBody>;
export const sendCampaignBody = z.object({
  at: isoDateTime.optional().describe('When to start sending; now when left out'),
});

export const listCampaigns = defineEndpoint({
  method: 'GET',
  path: '/api/v1/campaigns',
  summary: 'E-mail campaigns, newest first, with their counts',
  tags: ['marketing'],
  access: requires('contacts:read'),
  response: { 200: z.object({ items: z.array(campaignSchema) }) },
});
export const getCampaign = defineEndpoint({
  method: 'GET',
  path: '/api/v1/campaigns/:id',
  summary: 'One campaign with its counts: sent, refused by reason, failed, unsubscribed',
  tags: ['marketing'],
  access: requires('contacts:read'),
  params: idParams,
  response: { 200: campaignSchema },
});
export const createCampaign = defineEndpoint({
  method: 'POST',
  path: '/api/v1/campaigns',
  summary: 'Draft a campaign: template (merge fields {{firstName}}, {{lastName}}), segment and purpose',
  tags: ['marketing'],
  access: requires('campaigns:manage'),
  body: createCampaignBody,
  response: { 201: campaignSchema },
});
export const updateCampaign = defineEndpoint({
  method: 'PATCH',
  path: '/api/v1/campaigns/:id',
  summary: 'Change a draft campaign',
  tags: ['marketing'],
  access: requires('campaigns:manage'),
  params: idParams,
  body: updateCampaignBody,
  response: { 200: campaignSchema },
});
export const sendCampaign = defineEndpoint({
  method: 'POST',
  path: '/api/v1/campaigns/:id/send',
  summary:
    'Send now or at a time: a job sends to the segment, asking the processing guard for every recipient at send time',
  tags: ['marketing'],
  access: requires('campaigns:manage'),
  params: idParams,
  body: sendCampaignBody,
  response: { 202: campaignSchema },
});
export const cancelCampaign = defineEndpoint({
  method: 'POST',
  path: '/api/v1/campaigns/:id/cancel',
  summary: 'Stop a queued or sending campaign: messages not yet sent are not sent',
  tags: ['marketing'],
  access: requires('campaigns:manage'),
  params: idParams,
  response: { 200: campaignSchema },
});

const unsubscribeQuery = z.object({ token: z.string().min(10).max(200) });
export const unsubscribePage = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/unsubscribe',
  summary:
    'The unsubscribe link of a campaign mail: a page with one button (a GET changes nothing, so link scanners cannot unsubscribe anyone)',
  tags: ['public'],
  access: publicAccess,
  querystring: unsubscribeQuery,
  response: { 200: z.string() },
});
export const unsubscribe = defineEndpoint({
  method: 'POST',
  path: '/api/v1/public/unsubscribe',
  summary:
    'One-click unsubscribe (RFC 8058, `List-Unsubscribe=One-Click`) and the page’s button: withdraws consent for the campaign’s purpose at once, no sign-in',
  tags: ['public'],
  access: publicAccess,
  querystring: unsubscribeQuery,
  // A mail client may post without a body; the token alone decides.
  body: z
    .object({ 'List-Unsubscribe': z.literal('One-Click').optional() })
    .passthrough()
    .nullish(),
  response: { 200: z.string() },
});

export const trackingQuery = z.object({
  token: z.string().min(10).max(200),
  u: z.string().max(2048).optional().describe('The link followed (click links only)'),
});
export const trackOpen = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/t/open',
  summary:
    'The 1×1 image of a tracked campaign mail: records the first open, only while the person’s consent to email_tracking stands',
  tags: ['public'],
  access: publicAccess,
  querystring: trackingQuery,
  response: { 200: z.string() },
});
export const trackClick = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/t/click',
  summary:
    'A tracked link of a campaign mail: records the first click (only while the person’s consent to email_tracking stands) and redirects (302) to the link, which the token’s MAC covers, so it is no open redirect',
  tags: ['public'],
  access: publicAccess,
  querystring: trackingQuery,
  response: { 200: z.string() },
});

export const mailEventOutcomes = ['bounce', 'soft_bounce', 'complaint', 'ignored'] as const;
export const recordMailEvent = defineEndpoint({
  method: 'POST',
  path: '/api/v1/mail-events',
  summary:
    'Bounces and complaints for the mail service or MX to forward (Content-Type: message/rfc822, the raw mail, at most 1 MB): a delivery status notification (RFC 3464) or a feedback report (RFC 5965). It is matched to the campaign message by its VERP return path or its X-Custodian-Message header. A permanent bounce marks the address undeliverable; a complaint withdraws the consent (or objects) for the campaign’s purpose and marks the address; a temporary bounce or any other mail is `ignored`-like and changes nothing. The same reports can arrive by SMTP when MAIL_EVENTS_SMTP_PORT is set.',
  tags: ['marketing'],
  access: requires('campaigns:manage'),
  response: { 202: z.object({ outcome: z.enum(mailEventOutcomes) }) },
});
