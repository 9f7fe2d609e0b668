import { Readable } from 'node:stream';
import {
  downloadPackage as downloadEndpoint,
  previewRequestPackage as previewEndpoint,
  releaseRequestPackage as releaseEndpoint,
  getRequestPackage as statusEndpoint,
  subjectPackageSchema,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { RequestDeps } from '../requests/index.js';
import { downloadPackage, getPackageStatus, previewPackage, releasePackage } from './packages.js';

export function subjectPackageRoutes(
  app: FastifyInstance,
  deps: RequestDeps & { mailLink?: (packageId: string) => Promise<void> },
): void {
  registerEndpoint(app, statusEndpoint, ({ ctx, params }) =>
    getPackageStatus({ ...deps, ctx, requestId: params.id }),
  );
  registerEndpoint(app, previewEndpoint, ({ ctx, params }) =>
    previewPackage({ ...deps, ctx, requestId: params.id }),
  );
  registerEndpoint(app, releaseEndpoint, ({ ctx, params, body }) =>
    releasePackage({ ...deps, ctx, id: params.id, note: body.note }),
  );
  registerEndpoint(
    app,
    downloadEndpoint,
    async ({ ctx, params, reply }) => {
      const { zip, requestId } = await downloadPackage({ ...deps, ctx, token: params.token });
      reply.header('content-disposition', `attachment; filename="your-data-${requestId.slice(0, 8)}.zip"`);
      reply.header('cache-control', 'no-store');
      return Readable.from([zip]);
    },
    { stream: 'application/zip', rateLimit: { max: 10, timeWindow: 60_000 } },
  );
  // The documented schema of package.json.
  const schema = z.toJSONSchema(subjectPackageSchema, { target: 'draft-2020-12', io: 'output' });
  app.get('/api/v1/schemas/subject-package.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/schema+json').send(JSON.stringify(schema)),
  );
}
