import {
  getRequestCertificate as certificateEndpoint,
  eraseContact as eraseEndpoint,
  type IssuedCertificate,
  liftLegalHold as liftEndpoint,
  listDealLegalHolds as listDealEndpoint,
  listLegalHolds as listEndpoint,
  placeDealLegalHold as placeDealEndpoint,
  placeLegalHold as placeEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../platform/access.js';
import type { BlindIndexer } from '../../platform/crypto/blind-index.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import type { SubjectKeyStore } from '../subjects/index.js';
import { getRequestCertificate } from './certificates.js';
import { liftLegalHold, listLegalHolds, placeLegalHold } from './legal-holds.js';

/** The erasure workflow, passed in by the app (workflows sit above modules). */
export type EraseContact = (options: {
  db: Db;
  keys: KeyRing;
  subjects: SubjectKeyStore;
  indexer: BlindIndexer;
  ctx: RequestContext;
  input: { contactId: string; reason: string; requestId: null };
}) => Promise<IssuedCertificate>;

export function erasureRoutes(
  app: FastifyInstance,
  deps: { db: Db; keys: KeyRing; subjects: SubjectKeyStore; indexer: BlindIndexer; erase: EraseContact },
): void {
  registerEndpoint(app, placeEndpoint, ({ ctx, params, body }) =>
    placeLegalHold({ ...deps, ctx, scope: { contactId: params.id }, input: body }),
  );
  registerEndpoint(app, listEndpoint, ({ ctx, params }) =>
    listLegalHolds({ ...deps, ctx, scope: { contactId: params.id } }),
  );
  registerEndpoint(app, placeDealEndpoint, ({ ctx, params, body }) =>
    placeLegalHold({ ...deps, ctx, scope: { dealId: params.id }, input: body }),
  );
  registerEndpoint(app, listDealEndpoint, ({ ctx, params }) =>
    listLegalHolds({ ...deps, ctx, scope: { dealId: params.id } }),
  );
  registerEndpoint(app, liftEndpoint, ({ ctx, params }) => liftLegalHold({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, eraseEndpoint, ({ ctx, params, body }) =>
    deps.erase({ ...deps, ctx, input: { contactId: params.id, reason: body.reason, requestId: null } }),
  );
  registerEndpoint(app, certificateEndpoint, ({ ctx, params }) =>
    getRequestCertificate({ ...deps, ctx, requestId: params.id }),
  );
}
