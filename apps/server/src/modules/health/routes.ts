import { healthz, readyz } from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { migrationStatus } from '../../platform/db/migrate.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { AppError } from '../../platform/http/errors.js';

export function healthRoutes(app: FastifyInstance, deps: { database: Database }): void {
  registerEndpoint(app, healthz, async () => ({ status: 'ok' as const }));
  registerEndpoint(app, readyz, async () => {
    let status: Awaited<ReturnType<typeof migrationStatus>>;
    try {
      status = await migrationStatus(deps.database);
    } catch {
      throw new AppError('not_ready', 'The database does not answer');
    }
    if (!status.current)
      throw new AppError('not_ready', 'The database schema is behind; run custodian migrate');
    return { status: 'ready' as const, database: deps.database.engine, migrations: 'current' as const };
  });
}
