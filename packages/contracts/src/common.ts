import { z } from 'zod';

export const idParams = z.object({ id: z.uuid() });
export const isoDateTime = z.iso.datetime({ offset: true });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page'),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });

export const emptyResponse = z.null().describe('No content');

/**
 * What the server did about a Global Privacy Control signal: whether the request carried `Sec-GPC: 1`, and
 * whether an opt-out of sale and sharing was recorded for the person (false when they had already opted out).
 */
export const gpcOutcomeSchema = z.object({ signal: z.boolean(), recorded: z.boolean() });
export type GpcOutcome = z.infer<typeof gpcOutcomeSchema>;
