import { getPortalInfo } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { ControllerConfig } from '../../platform/config.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { sendsGpc } from '../consents/index.js';
import { portalInfo } from './portal-info.js';

/** The public privacy portal's own endpoint (its pages are served by the app beside the staff app). */
export function portalRoutes(app: FastifyInstance, deps: { controller: ControllerConfig }): void {
  registerEndpoint(app, getPortalInfo, async ({ request }) =>
    portalInfo(deps.controller, sendsGpc(request.headers)),
  );
}
