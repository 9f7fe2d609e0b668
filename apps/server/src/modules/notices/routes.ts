import {
  getCurrentNotice as currentEndpoint,
  getNotice as getEndpoint,
  listNotices,
  publishNotice as publishEndpoint,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { findNotices, getCurrentNotice, getNotice, publishNotice } from './notices.js';

export function noticeRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, publishEndpoint, ({ ctx, body }) => publishNotice({ ...deps, ctx, input: body }));
  registerEndpoint(app, listNotices, ({ ctx, query }) => findNotices({ ...deps, ctx, key: query.key }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getNotice({ ...deps, ctx, id: params.id }));
  registerEndpoint(app, currentEndpoint, ({ params, query }) =>
    getCurrentNotice({ db: deps.db, key: params.key, language: query.language }),
  );
}
