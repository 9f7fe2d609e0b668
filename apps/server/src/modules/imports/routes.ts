import { createImport, getImport as getImportEndpoint } from '@custodian/contracts';
import type {} from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { assertPermission, hasPermission } from '../../platform/access.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import type { ContactDeps } from '../contacts/index.js';
import { presentImport } from './present-import.js';
import { receiveImport, type UploadPart } from './receive-import.js';
import { findImport } from './repository.js';

export function importRoutes(
  app: FastifyInstance,
  deps: ContactDeps & { enqueueImport: (importId: string) => Promise<void> },
): void {
  registerEndpoint(app, createImport, async ({ ctx, request }) => {
    if (!request.isMultipart())
      throw new AppError('unsupported_media_type', 'Send the import as multipart/form-data');
    return receiveImport({
      ...deps,
      ctx,
      parts: request.parts() as AsyncIterable<UploadPart>,
      enqueue: deps.enqueueImport,
    });
  });
  registerEndpoint(app, getImportEndpoint, async ({ ctx, params }) => {
    assertPermission(ctx.actor, 'contacts:import');
    const row = await findImport(deps.db, params.id);
    // An import is its importer's; administrators and the DPO see all. Others get the same 404 as for none.
    const own =
      (ctx.actor.kind === 'user' || ctx.actor.kind === 'token') && ctx.actor.userId === row?.createdBy;
    if (!row || !(own || hasPermission(ctx.actor, 'users:read'))) throw notFound('import');
    return presentImport(row);
  });
}
