import { Readable } from 'node:stream';
import {
  createRetentionPolicy as createEndpoint,
  deleteRetentionPolicy as deleteEndpoint,
  getRetentionPolicy as getEndpoint,
  getInventoryCsv as inventoryCsvEndpoint,
  getInventory as inventoryEndpoint,
  listRetentionPolicies as listEndpoint,
  listRetentionRuns as listRunsEndpoint,
  previewRetention as previewEndpoint,
  type RetentionPreview,
  startRetentionRun as startRunEndpoint,
  updateRetentionPolicy as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { recordAudit } from '../audit/index.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { buildInventory, inventoryCsv } from './inventory.js';
import {
  createRetentionPolicy,
  deleteRetentionPolicy,
  findRetentionPolicies,
  getRetentionPolicy,
  updateRetentionPolicy,
} from './policies.js';
import { listRetentionRuns } from './runs.js';

/** The preview is the sweep's own query run without acting: a workflow, passed in by the app. */
export type PreviewRetention = (
  deps: { db: Db; keys: KeyRing; subjects: SubjectKeyStore; indexer: BlindIndexer; ctx: RequestContext },
  options: { asOf?: Date; policyIds?: readonly string[]; limit: number },
) => Promise<RetentionPreview>;

export function retentionRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    keys: KeyRing;
    subjects: SubjectKeyStore;
    indexer: BlindIndexer;
    preview: PreviewRetention;
    /** Queues the sweep job; throws when this server has no job queue. */
    queueSweep: () => Promise<void>;
  },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findRetentionPolicies({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) =>
    getRetentionPolicy({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, createEndpoint, ({ ctx, body }) =>
    createRetentionPolicy({ ...deps, ctx, input: body }),
  );
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateRetentionPolicy({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, deleteEndpoint, ({ ctx, params }) =>
    deleteRetentionPolicy({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, previewEndpoint, ({ ctx, body }) =>
    deps.preview(
      { ...deps, ctx },
      {
        ...(body.asOf ? { asOf: new Date(body.asOf) } : {}),
        ...(body.policyIds ? { policyIds: body.policyIds } : {}),
        limit: body.limit,
      },
    ),
  );
  registerEndpoint(app, startRunEndpoint, async ({ ctx }) => {
    assertPermission(ctx.actor, 'retention:manage');
    await deps.queueSweep();
    await recordAudit(deps.db, deps.keys, ctx, { action: 'retention.run.queue', entityType: 'retentionRun' });
    return { queued: true as const };
  });
  registerEndpoint(app, inventoryEndpoint, ({ ctx }) => buildInventory({ ...deps, ctx }));
  registerEndpoint(
    app,
    inventoryCsvEndpoint,
    async ({ ctx, reply }) => {
      const csv = inventoryCsv(await buildInventory({ ...deps, ctx }));
      reply.header(
        'content-disposition',
        `attachment; filename="inventory-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
      return Readable.from([csv]);
    },
    { stream: 'text/csv; charset=utf-8' },
  );
  registerEndpoint(app, listRunsEndpoint, ({ ctx, query }) =>
    listRetentionRuns({ ...deps, ctx, limit: query.limit }),
  );
}
