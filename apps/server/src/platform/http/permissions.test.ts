import { randomUUID } from 'node:crypto';
import * as contracts from '@custodian/contracts';
import {
  type Access,
  type ApiToken,
  type Import,
  type Permission,
  type Problem,
  permissions,
  type Role,
  roles,
  type SavedView,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext, type TestUser } from '../../test/context.js';
import { multipart } from '../../test/multipart.js';
import { permissionsOf } from '../access.js';
import { queryRows } from '../db/database.js';
import { registerEndpoint } from './endpoint.js';

/**
 * Who may call what, proven from the served OpenAPI document rather than from a list kept by hand: every operation
 * the document names, called by every kind of caller, answers exactly what its declared access implies; every route
 * the server answers under /api is in the document; and objects of another user answer like missing ones.
 */

/** Every exported object that looks like an endpoint: it has a method and a path, with or without access. */
const candidates = Object.entries(contracts).flatMap(([name, value]) =>
  typeof value === 'object' && value !== null && 'method' in value && 'path' in value
    ? [{ name, value }]
    : [],
);

const isPermission = (value: unknown): value is Permission =>
  (permissions as readonly unknown[]).includes(value);

/** The access an `x-permission` names, or null when it names none the system knows. */
function accessOf(xPermission: unknown): Access | null {
  if (xPermission === 'public' || xPermission === 'authenticated' || xPermission === 'session')
    return { kind: xPermission };
  return isPermission(xPermission) ? { kind: 'permission', permission: xPermission } : null;
}

function declaresAccess(value: object): boolean {
  if (!('access' in value) || typeof value.access !== 'object' || value.access === null) return false;
  const access = value.access as { kind?: unknown; permission?: unknown };
  return accessOf(access.kind === 'permission' ? access.permission : access.kind) !== null;
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path syntax: `/api/v1/contacts/{id}`. */
  path: string;
  xPermission: unknown;
}
const label = (op: { method: string; path: string }) => `${op.method} ${op.path}`;
/** A path with every parameter replaced by a fresh id: an object that does not exist. */
const concrete = (path: string, id: () => string = randomUUID) => path.replace(/\{\w+\}/g, () => id());

/**
 * The routes Fastify answers, from its route tree (`printRoutes`), as `METHOD /path` with `:param` segments.
 * HEAD and OPTIONS are left out: Fastify adds HEAD for every GET, and OPTIONS is the CORS preflight.
 */
function servedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const methods = (match[3] ?? '-').split(', ').filter((m) => m !== '-' && m !== 'HEAD' && m !== 'OPTIONS');
    for (const method of methods) routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

/**
 * Routes outside the API, each public by nature, with why. A new one fails the test until it is added here: a route
 * the document does not describe has no declared access, so it must be one whose caller is anyone.
 */
const publicPagesOutsideTheApi: Record<string, string> = {
  'GET /api/v1/openapi.json': 'the OpenAPI document itself',
  'GET /api/v1/schemas/subject-package.json':
    'the JSON Schema of the package an access request delivers: public, so a recipient can check the file',
  'GET /api/docs': 'the API reference (Swagger UI) over the public document',
  'GET /api/docs*': 'the API reference’s files',
  'GET /api/docs/json': 'the API reference’s copy of the document',
  'GET /api/docs/yaml': 'the API reference’s copy of the document',
  'GET /api/docs/static/*': 'the API reference’s static files',
  'GET /api/docs/static/index.html': 'the API reference’s page',
  'GET /api/docs/static/swagger-initializer.js': 'the API reference’s script',
};

let t: TestContext;
let doc: { paths: Record<string, Record<string, { 'x-permission'?: unknown }>> };
let operations: Operation[];

beforeAll(async () => {
  t = await createTestContext();
  const res = await t.request({ url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase() as Operation['method'],
      path,
      xPermission: op['x-permission'],
    })),
  );
});
afterAll(() => t.close());

describe('every endpoint declares who may call it', () => {
  it('finds the endpoint contracts and the operations of the document', () => {
    expect(candidates.length).toBeGreaterThan(10);
    expect(operations.length).toBeGreaterThan(100);
  });

  it('has a valid access declaration on every contract', () => {
    const undeclared = candidates.filter(({ value }) => !declaresAccess(value)).map(({ name }) => name);
    expect(undeclared).toEqual([]);
  });

  it('documents a known access for every operation of the OpenAPI document', () => {
    const undeclared = operations.filter((op) => accessOf(op.xPermission) === null).map(label);
    expect(undeclared).toEqual([]);
  });

  it('serves exactly the contracts, each documented with its permission', () => {
    const served = operations.map((op) => `${label(op)} ${String(op.xPermission)}`).sort();
    const declared = candidates
      .map(({ value }) => {
        const c = value as contracts.EndpointContract;
        const access = c.access.kind === 'permission' ? c.access.permission : c.access.kind;
        return `${c.method} ${c.path.replace(/:(\w+)/g, '{$1}')} ${access}`;
      })
      .sort();
    expect(served).toEqual(declared);
  });

  it('answers no route under /api that the document does not describe', () => {
    const documented = new Set(operations.map((op) => label(op).replace(/\{(\w+)\}/g, ':$1')));
    const served = servedRoutes(t.app.printRoutes({ commonPrefix: false }));
    // The parser read the tree: every documented operation is among the served routes.
    expect(served.filter((r) => documented.has(r))).toHaveLength(documented.size);
    const undocumented = served.filter(
      (r) => r.split(' ')[1]!.startsWith('/api') && !documented.has(r) && !(r in publicPagesOutsideTheApi),
    );
    expect(undocumented).toEqual([]);
  });

  it('refuses to register an endpoint that declares no access', () => {
    const bare = {
      method: 'GET',
      path: '/api/v1/undeclared',
      summary: 'An endpoint someone forgot to declare',
      tags: ['test'],
      response: { 200: contracts.emptyResponse },
    } as unknown as contracts.EndpointContract;
    expect(declaresAccess(bare)).toBe(false);
    const app = Fastify();
    expect(() => registerEndpoint(app, bare, async () => null)).toThrow(/declares no access/);
    const unknown = { ...bare, access: { kind: 'permission', permission: 'contacts:everything' } };
    expect(() => registerEndpoint(app, unknown as contracts.EndpointContract, async () => null)).toThrow(
      /declares no access/,
    );
    // The same contract with an access declaration registers.
    const declared = { ...bare, access: contracts.authenticated };
    expect(() => registerEndpoint(app, declared, async () => null)).not.toThrow();
  });
});

/** The callers of the matrix: nobody, a session of each role, and API tokens in every state. */
const tokenCallers = ['token expired', 'token revoked', 'token scopes A', 'token scopes B'] as const;
type Who = 'anonymous' | Role | (typeof tokenCallers)[number];
type Expected = 'allowed' | 401 | 403;

describe('authorisation matrix', () => {
  it('answers 401, 403 or neither exactly as the document and the role or token permissions say', async () => {
    const admin = await t.createUser('admin');
    const adminSession = await t.login(admin);
    const users = new Map<Role, TestUser>();
    const callers = new Map<Who, Caller>();
    for (const role of roles) {
      const user = role === 'admin' ? admin : await t.createUser(role);
      users.set(role, user);
      callers.set(role, role === 'admin' ? adminSession : await t.login(user));
    }

    // Two tokens of the administrator that split the role's permissions between them: each endpoint that needs a
    // permission is refused to exactly one of them.
    const adminPermissions = [...permissionsOf('admin')];
    const scopes = {
      'token scopes A': adminPermissions.filter((_, i) => i % 2 === 0),
      'token scopes B': adminPermissions.filter((_, i) => i % 2 === 1),
    };
    const newToken = async (name: string, tokenScopes: Permission[]) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/tokens',
        as: adminSession,
        body: { name, scopes: tokenScopes },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ token: ApiToken; secret: string }>();
    };
    for (const [who, tokenScopes] of Object.entries(scopes))
      callers.set(who as Who, { token: (await newToken(who, tokenScopes)).secret });
    const expired = await newToken('expired', adminPermissions);
    await t.database.db.execute(
      sql`update api_tokens set expires_at = now() - interval '1 minute' where id = ${expired.token.id}`,
    );
    callers.set('token expired', { token: expired.secret });
    const revoked = await newToken('revoked', adminPermissions);
    const revoke = await t.request({
      method: 'DELETE',
      url: `/api/v1/tokens/${revoked.token.id}`,
      as: adminSession,
    });
    expect(revoke.statusCode).toBe(204);
    callers.set('token revoked', { token: revoked.secret });

    const expected = (access: Access, who: Who): Expected => {
      if (access.kind === 'public') return 'allowed';
      if (who === 'anonymous' || who === 'token expired' || who === 'token revoked') return 401;
      const token = who === 'token scopes A' || who === 'token scopes B';
      if (access.kind === 'authenticated') return 'allowed';
      if (access.kind === 'session') return token ? 403 : 'allowed';
      const held = token
        ? scopes[who].includes(access.permission)
        : permissionsOf(who).has(access.permission);
      return held ? 'allowed' : 403;
    };

    const columns: Who[] = ['anonymous', ...roles, ...tokenCallers];
    const matrix: Record<string, Record<string, string | number>> = {};
    const failures: string[] = [];
    for (const op of operations) {
      const access = accessOf(op.xPermission);
      if (!access) {
        failures.push(`${label(op)} declares no access`);
        continue;
      }
      const row: Record<string, string | number> = {
        access: access.kind === 'permission' ? access.permission : access.kind,
      };
      for (const who of columns) {
        const as = callers.get(who);
        const res = await t.request({
          method: op.method,
          url: concrete(op.path),
          ...(op.method === 'GET' ? {} : { body: {} }),
          ...(as ? { as } : {}),
        });
        const status = res.statusCode;
        row[who] = status;
        const want = expected(access, who);
        const where = `${label(op)} as ${who}: got ${status}`;
        if (want === 'allowed') {
          if (status === 401 || status === 403) failures.push(`${where}, expected neither 401 nor 403`);
        } else if (status !== want) {
          failures.push(`${where}, expected ${want}`);
        } else if (res.json<Problem>().code !== (want === 401 ? 'unauthenticated' : 'forbidden')) {
          failures.push(`${where} with code ${res.json<Problem>().code}`);
        }
        // 503 not_ready is the one server answer allowed: this server runs without the job queue, so endpoints that
        // start a job say it cannot be started now. Any other 5xx is a fault.
        if (status >= 500 && !(status === 503 && res.json<Problem>().code === 'not_ready'))
          failures.push(`${where}: a server error`);

        // A write may have ended the session (logout): sign in again for the next operation.
        if (as?.cookie && op.method !== 'GET') {
          const me = await t.request({ url: '/api/v1/auth/me', as });
          if (me.statusCode === 401) callers.set(who, await t.login(users.get(who as Role)!));
        }
      }
      matrix[label(op)] = row;
    }

    console.table(matrix);
    expect(failures).toEqual([]);
    // The matrix covered every operation and every caller.
    expect(Object.keys(matrix)).toHaveLength(operations.length);
    for (const row of Object.values(matrix)) expect(Object.keys(row)).toHaveLength(columns.length + 1);
    // Every refusal was recorded: a denied call leaves an audit entry (one per 403 above).
    const [denied] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where outcome = 'denied'`,
    );
    const refusals = Object.values(matrix).flatMap((row) => Object.values(row).filter((s) => s === 403));
    expect(refusals.length).toBeGreaterThan(100);
    expect(Number(denied!.n)).toBeGreaterThanOrEqual(refusals.length);
    // Every operation times every caller: long on a loaded machine, so a generous bound.
  }, 600_000);
});

/** What another user's object and a missing one answer, with the id in the path left out of the comparison. */
function answer(res: { statusCode: number; body: string }, id: string) {
  const body = res.body.split(id).join('<id>');
  return {
    status: res.statusCode,
    body: body
      .replace(/"instance":"[^"]*"/, '"instance":"<path>"')
      .replace(/"requestId":"[^"]*"/, '"requestId":"<id>"'),
  };
}

describe('another user’s objects answer exactly like missing ones', () => {
  /**
   * Objects that belong to one user (saved views, imports, API tokens). Every operation the document lists on one of
   * them is tried by a second user of the same role, who may call the endpoint but not see the object.
   */
  interface OwnedKind {
    kind: string;
    collection: string;
    create(as: Caller): Promise<string>;
    /** A body that passes validation, so the answer comes from the ownership check. */
    body?: unknown;
    /** The owner still sees the object unchanged. */
    intact(as: Caller, id: string): Promise<void>;
  }
  const kinds: OwnedKind[] = [
    {
      kind: 'saved view',
      collection: '/api/v1/views',
      create: async (as) => {
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/views',
          as,
          body: { name: 'Mine', filters: { lifecycleStage: 'lead' }, columns: ['email'], sort: '-createdAt' },
        });
        expect(res.statusCode, res.body).toBe(201);
        return res.json<SavedView>().id;
      },
      body: { name: 'Renamed by someone else' },
      intact: async (as, id) => {
        const res = await t.request({ url: `/api/v1/views/${id}`, as });
        expect(res.statusCode).toBe(200);
        expect(res.json<SavedView>().name).toBe('Mine');
      },
    },
    {
      kind: 'import',
      collection: '/api/v1/imports',
      create: async (as) => {
        const { payload, headers } = multipart(
          {
            mapping: JSON.stringify({ Email: 'email' }),
            source: 'Matrix test',
            lawfulBasis: 'legitimate_interests',
          },
          'Email\nowned-import@example.test\n',
        );
        const res = await t.request({ method: 'POST', url: '/api/v1/imports', as, payload, headers });
        expect(res.statusCode, res.body).toBe(202);
        return res.json<Import>().id;
      },
      intact: async (as, id) => {
        expect((await t.request({ url: `/api/v1/imports/${id}`, as })).statusCode).toBe(200);
      },
    },
    {
      kind: 'API token',
      collection: '/api/v1/tokens',
      create: async (as) => {
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/tokens',
          as,
          body: { name: 'Mine', scopes: ['contacts:read'] },
        });
        expect(res.statusCode, res.body).toBe(201);
        return res.json<{ token: ApiToken }>().token.id;
      },
      intact: async (as, id) => {
        const res = await t.request({ url: '/api/v1/tokens', as });
        const token = res.json<{ items: ApiToken[] }>().items.find((k) => k.id === id);
        expect(token?.revokedAt).toBeNull();
      },
    },
  ];

  it.each(kinds)('$kind', async (kind) => {
    // Sales users may import and hold tokens, but see neither everyone's imports nor everyone's tokens.
    const owner = await t.login(await t.createUser('sales'));
    const other = await t.login(await t.createUser('sales'));
    const id = await kind.create(owner);
    const prefix = `${kind.collection}/{`;
    const onOne = operations.filter((op) => op.path.startsWith(prefix));
    expect(onOne.length).toBeGreaterThan(0);
    for (const op of onOne) {
      const withBody = op.method === 'GET' ? {} : { body: kind.body ?? {} };
      const missingId = randomUUID();
      const missing = await t.request({
        method: op.method,
        url: concrete(op.path, () => missingId),
        as: other,
        ...withBody,
      });
      expect(missing.statusCode, `${label(op)} for a missing ${kind.kind}: ${missing.body}`).toBe(404);
      const theirs = await t.request({
        method: op.method,
        url: concrete(op.path, () => id),
        as: other,
        ...withBody,
      });
      expect(answer(theirs, id), `${label(op)} for another user’s ${kind.kind}`).toEqual(
        answer(missing, missingId),
      );
    }
    await kind.intact(owner, id);
  });

  it('creating a token for another user without tokens:all answers like for nobody', async () => {
    const owner = await t.createUser('sales');
    const other = await t.login(await t.createUser('sales'));
    const missingId = randomUUID();
    const tryFor = (userId: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/tokens',
        as: other,
        body: { name: 'Theirs', scopes: ['contacts:read'], userId },
      });
    const missing = await tryFor(missingId);
    expect(missing.statusCode).toBe(404);
    expect(answer(await tryFor(owner.id), owner.id)).toEqual(answer(missing, missingId));
  });
});
