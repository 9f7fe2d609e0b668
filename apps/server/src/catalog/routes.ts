import { getCatalog } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../platform/http/endpoint.js';
import { describeCatalog } from './describe-catalog.js';

export function catalogRoutes(app: FastifyInstance): void {
  const described = describeCatalog();
  registerEndpoint(app, getCatalog, async () => described);
}
