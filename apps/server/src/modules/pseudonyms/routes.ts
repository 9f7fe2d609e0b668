import {
  createPseudonymRecipient as createEndpoint,
  exportPseudonymised as exportEndpoint,
  listPseudonymRecipients as listEndpoint,
  resolvePseudonyms as resolveEndpoint,
  rotatePseudonymKey as rotateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { ProcessingGuard } from '../../platform/guard.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { ContactDeps } from '../contacts/index.js';
import {
  createPseudonymRecipient,
  exportPseudonymised,
  listPseudonymRecipients,
  resolvePseudonyms,
  rotatePseudonymKey,
} from './pseudonyms.js';

export function pseudonymRoutes(app: FastifyInstance, deps: ContactDeps & { guard: ProcessingGuard }): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => listPseudonymRecipients({ ...deps, ctx }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) =>
    createPseudonymRecipient({ ...deps, ctx, input: body }),
  );
  registerEndpoint(app, rotateEndpoint, ({ ctx, params }) =>
    rotatePseudonymKey({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, exportEndpoint, ({ ctx, params }) =>
    exportPseudonymised({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, resolveEndpoint, ({ ctx, params, body }) =>
    resolvePseudonyms({ ...deps, ctx, id: params.id, pseudonyms: body.pseudonyms }),
  );
}
