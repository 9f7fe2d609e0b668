import {
  giveDpoAdvice as adviceEndpoint,
  createDpia as createEndpoint,
  getDpia as getEndpoint,
  listDpias as listEndpoint,
  screenDpias as screeningEndpoint,
  signOffDpia as signOffEndpoint,
  updateDpia as updateEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import {
  createDpia,
  type DpiaDeps,
  findDpias,
  getDpia,
  giveDpoAdvice,
  signOffDpia,
  updateDpia,
} from './dpias.js';
import { screenPurposes } from './screening.js';

export function dpiaRoutes(
  app: FastifyInstance,
  deps: DpiaDeps & { largeScaleThreshold: number; publicUrl: string },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx }) => findDpias({ ...deps, ctx }));
  registerEndpoint(app, screeningEndpoint, ({ ctx }) => screenPurposes({ ...deps, ctx }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getDpia({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, createEndpoint, ({ ctx, body }) => createDpia({ ...deps, ctx, input: body }));
  registerEndpoint(app, updateEndpoint, ({ ctx, params, body }) =>
    updateDpia({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, adviceEndpoint, ({ ctx, params, body }) =>
    giveDpoAdvice({ ...deps, ctx, id: params.id, input: body }),
  );
  registerEndpoint(app, signOffEndpoint, ({ ctx, params, body }) =>
    signOffDpia({ ...deps, ctx, id: params.id, input: body }),
  );
}
