import { z } from 'zod';
import { idParams, isoDateTime } from './common.js';
import { defineEndpoint, publicAccess, requires } from './endpoint.js';
import { purposeSchema } from './purposes.js';

/** BCP 47 language tag, as simple as forms need: `en`, `de`, `pt-BR`. */
export const languageTagSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z][A-Za-z]{1,3}|-[0-9]{3})?$/, 'must be a language tag such as en, de or pt-BR');

export const noticeKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,59}$/, 'must be lowercase letters, digits, - or _, starting with a letter');

export const noticeTextSchema = z.object({
  language: languageTagSchema,
  /** The exact text shown to people, in Markdown or plain text. */
  text: z.string(),
  /** SHA-256 (hex) of the UTF-8 bytes of `text`: what a receipt or a court can check the shown text against. */
  sha256: z.string(),
});

export const noticeSchema = z.object({
  id: z.uuid(),
  key: noticeKeySchema,
  version: z.number().int(),
  name: z.string(),
  purposes: z.array(purposeSchema),
  /** Whether consents given under earlier versions are stale for these purposes: people must consent again. */
  requiresReconsent: z.boolean(),
  texts: z.array(noticeTextSchema),
  publishedAt: isoDateTime,
  /**
   * For a text shown before it was registered here (another system's notice, for importing consent history):
   * since when it was in use, as the privacy officer declared when publishing it. Null: since publication.
   */
  shownSince: isoDateTime.nullable(),
  publishedBy: z.uuid().nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const publishNoticeBody = z
  .object({
    key: noticeKeySchema,
    name: z.string().trim().min(1).max(200),
    purposes: z.array(purposeSchema).min(1).max(20),
    requiresReconsent: z.boolean().default(false),
    /**
     * Only for a text people were shown before (in a previous system): when it was first shown, in the past.
     * Consents dated from then on may name this version; without it, only those from publication on.
     */
    shownSince: isoDateTime.optional(),
    texts: z
      .array(z.object({ language: languageTagSchema, text: z.string().trim().min(20).max(100_000) }))
      .min(1)
      .max(40),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.texts.forEach((t, i) => {
      if (seen.has(t.language))
        ctx.addIssue({ code: 'custom', path: ['texts', i, 'language'], message: 'appears twice' });
      seen.add(t.language);
    });
    if (b.shownSince !== undefined && Date.parse(b.shownSince) > Date.now())
      ctx.addIssue({ code: 'custom', path: ['shownSince'], message: 'must be in the past' });
  });
export type PublishNoticeInput = z.infer<typeof publishNoticeBody>;

export const publishNotice = defineEndpoint({
  method: 'POST',
  path: '/api/v1/notices',
  summary:
    'Publish the next version of a notice (version 1 for a new key), in one or more languages. Published texts never change; `requiresReconsent` makes consents given under earlier versions stale.',
  tags: ['consent'],
  access: requires('purposes:manage'),
  body: publishNoticeBody,
  response: { 201: noticeSchema },
});

export const listNotices = defineEndpoint({
  method: 'GET',
  path: '/api/v1/notices',
  summary: 'Every version of every notice, newest first',
  tags: ['consent'],
  access: requires('catalog:read'),
  querystring: z.object({ key: noticeKeySchema.optional() }),
  response: { 200: z.object({ items: z.array(noticeSchema) }) },
});

export const getNotice = defineEndpoint({
  method: 'GET',
  path: '/api/v1/notices/:id',
  summary: 'One notice version with its texts and their SHA-256',
  tags: ['consent'],
  access: requires('catalog:read'),
  params: idParams,
  response: { 200: noticeSchema },
});

export const currentNoticeQuery = z.object({ language: languageTagSchema.optional() });
export const publicNoticeSchema = z.object({
  id: z.uuid(),
  key: noticeKeySchema,
  version: z.number().int(),
  purposes: z.array(purposeSchema),
  language: languageTagSchema,
  text: z.string(),
  sha256: z.string(),
});

export const getCurrentNotice = defineEndpoint({
  method: 'GET',
  path: '/api/v1/public/notices/:key',
  summary:
    'The current version of a notice in the language asked for (or its first language), for forms to show',
  tags: ['consent'],
  access: publicAccess,
  params: z.object({ key: noticeKeySchema }),
  querystring: currentNoticeQuery,
  response: { 200: publicNoticeSchema },
});
