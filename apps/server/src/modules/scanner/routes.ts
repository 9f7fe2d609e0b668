import {
  dismissFinding as dismissEndpoint,
  listFindings as listEndpoint,
  redactFinding as redactEndpoint,
  type ScannerFinding,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { dismissFinding, listFindings } from './findings.js';

/** Redaction changes the records' text: a workflow, passed in by the app. */
export type RedactFinding = (options: {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  ctx: RequestContext;
  id: string;
  kinds: ScannerFinding['kinds'] | undefined;
}) => Promise<ScannerFinding>;

export function scannerRoutes(
  app: FastifyInstance,
  deps: { db: Db; keys: KeyRing; subjects: SubjectKeyStore; indexer: BlindIndexer; redact: RedactFinding },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx, query }) => listFindings({ ...deps, ctx, query }));
  registerEndpoint(app, dismissEndpoint, ({ ctx, params }) =>
    dismissFinding({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, redactEndpoint, ({ ctx, params, body }) =>
    deps.redact({ ...deps, ctx, id: params.id, kinds: body.kinds }),
  );
}
