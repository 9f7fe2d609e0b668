import { listTags } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { listTagRows } from './repository.js';

/** Tags are workspace labels, not personal data: listing them reads no one and is not audited. */
export function tagRoutes(app: FastifyInstance, deps: { db: Db }): void {
  registerEndpoint(app, listTags, async () => ({ items: await listTagRows(deps.db) }));
}
