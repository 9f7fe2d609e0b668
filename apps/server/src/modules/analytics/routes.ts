import { Readable } from 'node:stream';
import {
  exportAnalyticsCsv as exportCsvEndpoint,
  exportAnalytics as exportEndpoint,
} from '@custodian/contracts';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import type { ProcessingGuard } from '../../platform/guard.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import { neutraliseFormula } from '../contacts/index.js';
import { exportAnalytics } from './export.js';

export function analyticsRoutes(app: FastifyInstance, deps: ContactDeps & { guard: ProcessingGuard }): void {
  registerEndpoint(app, exportEndpoint, ({ ctx, query }) => exportAnalytics({ ...deps, ctx, query }));
  registerEndpoint(
    app,
    exportCsvEndpoint,
    async ({ ctx, query, reply }) => {
      const answer = await exportAnalytics({ ...deps, ctx, query });
      reply.header('x-k-achieved', String(answer.kAchieved ?? 'none'));
      reply.header('x-suppressed', String(answer.suppressed));
      reply.header(
        'content-disposition',
        `attachment; filename="${answer.entity}-k${answer.k}-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
      const cells = answer.rows.map((row) => row.map((cell) => neutraliseFormula(String(cell))));
      return Readable.from([stringify([answer.columns, ...cells])]);
    },
    { stream: 'text/csv; charset=utf-8' },
  );
}
