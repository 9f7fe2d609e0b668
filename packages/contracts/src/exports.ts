import { z } from 'zod';
import { listContactsQuery } from './contacts.js';
import { defineEndpoint, requires } from './endpoint.js';

/** What can be exported as CSV. Companies and deals come later. */
export const exportEntities = ['contacts'] as const;
export const exportEntitySchema = z.enum(exportEntities);

/** The list endpoint's filters (no search, no sort: an export runs in creation order). */
export const exportQuery = listContactsQuery
  .pick({ lifecycleStage: true, ownerId: true, tag: true })
  .extend({ entity: exportEntitySchema });
export type ExportQuery = z.infer<typeof exportQuery>;

export const exportCsv = defineEndpoint({
  method: 'GET',
  path: '/api/v1/exports',
  summary:
    "Download a CSV export, streamed, of what the caller may see: fields their role or purpose may not see read `[restricted]`, as in the JSON API. Filters as on the list endpoint. Cells that a spreadsheet would run as a formula are prefixed with `'`. Each page of 500 rows read is audited.",
  tags: ['exports'],
  access: requires('contacts:export'),
  querystring: exportQuery,
  response: { 200: z.string().describe('CSV (RFC 4180), UTF-8, with a header row') },
});
