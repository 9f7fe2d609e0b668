import {
  dismissFinding as dismissEndpoint,
  listFindings as listEndpoint,
  listScannerScans as listScansEndpoint,
  reclassifyFinding as reclassifyEndpoint,
  redactFinding as redactEndpoint,
  type ScannerFinding,
  startScannerScan as startScanEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { dismissFinding, listFindings, reclassifyFinding } from './findings.js';
import { listScans, requestScan } from './scans.js';

/** Redaction changes the records' text: a workflow, passed in by the app. */
export type RedactFinding = (options: {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
  ctx: RequestContext;
  id: string;
  kinds: ScannerFinding['kinds'] | undefined;
}) => Promise<ScannerFinding>;

export function scannerRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    keys: KeyRing;
    subjects: SubjectKeyStore;
    indexer: BlindIndexer;
    redact: RedactFinding;
    /** Hands a requested background scan to the job queue; throws where there is none. */
    queueScan: () => Promise<void>;
  },
): void {
  registerEndpoint(app, listEndpoint, ({ ctx, query }) => listFindings({ ...deps, ctx, query }));
  registerEndpoint(app, dismissEndpoint, ({ ctx, params }) =>
    dismissFinding({ ...deps, ctx, id: params.id }),
  );
  registerEndpoint(app, reclassifyEndpoint, ({ ctx, params, body }) =>
    reclassifyFinding({ ...deps, ctx, id: params.id, kinds: body.kinds }),
  );
  registerEndpoint(app, startScanEndpoint, ({ ctx }) =>
    requestScan({ ...deps, ctx, enqueue: deps.queueScan }),
  );
  registerEndpoint(app, listScansEndpoint, ({ ctx }) => listScans({ ...deps, ctx }));
  registerEndpoint(app, redactEndpoint, ({ ctx, params, body }) =>
    deps.redact({ ...deps, ctx, id: params.id, kinds: body.kinds }),
  );
}
