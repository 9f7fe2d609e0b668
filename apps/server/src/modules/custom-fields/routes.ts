import {
  defineCustomField as defineEndpoint,
  getCustomField as getEndpoint,
  listCustomFields,
} from '@custodian/contracts';
import type { FastifyInstance } from 'fastify';
import type { KeyRing } from '../../platform/crypto/keys.js';
import type { Db } from '../../platform/db/database.js';
import { registerEndpoint } from '../../platform/http/endpoint.js';
import { defineCustomField, findCustomFields, getCustomField } from './custom-fields.js';

export function customFieldRoutes(app: FastifyInstance, deps: { db: Db; keys: KeyRing }): void {
  registerEndpoint(app, listCustomFields, ({ ctx, query }) =>
    findCustomFields({ ...deps, ctx, entity: query.entity }),
  );
  registerEndpoint(app, defineEndpoint, ({ ctx, body }) => defineCustomField({ ...deps, ctx, input: body }));
  registerEndpoint(app, getEndpoint, ({ ctx, params }) => getCustomField({ ...deps, ctx, id: params.id }));
}
