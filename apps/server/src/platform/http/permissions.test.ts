import { randomUUID } from 'node:crypto';
import * as contracts from '@custodian/contracts';
import { type EndpointContract, type Problem, permissions, type Role, roles } from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { permissionsOf } from '../access.js';

/** Every exported object that looks like an endpoint: it has a method and a path, with or without access. */
const candidates = Object.entries(contracts).flatMap(([name, value]) =>
  typeof value === 'object' && value !== null && 'method' in value && 'path' in value
    ? [{ name, value }]
    : [],
);

function declaresAccess(value: object): value is EndpointContract {
  if (!('access' in value) || typeof value.access !== 'object' || value.access === null) return false;
  const access = value.access as { kind?: unknown; permission?: unknown };
  if (access.kind === 'public' || access.kind === 'authenticated') return true;
  return access.kind === 'permission' && (permissions as readonly unknown[]).includes(access.permission);
}

const endpoints = candidates.flatMap(({ name, value }) =>
  declaresAccess(value) ? [{ name, contract: value }] : [],
);
const label = (c: EndpointContract) => `${c.method} ${c.path}`;
const accessLabel = (c: EndpointContract) =>
  c.access.kind === 'permission' ? c.access.permission : c.access.kind;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe('every endpoint declares who may call it', () => {
  it('finds the endpoint contracts', () => {
    expect(candidates.length).toBeGreaterThan(10);
  });

  it('has a valid access declaration on every contract', () => {
    const undeclared = candidates.filter(({ value }) => !declaresAccess(value)).map(({ name }) => name);
    expect(undeclared).toEqual([]);
  });

  it('serves exactly the contracts, each documented with its permission', async () => {
    const res = await t.request({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { 'x-permission'?: string }>> }>();
    const served = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(
          ([method, op]) => `${method.toUpperCase()} ${path} ${op['x-permission']}`,
        ),
      )
      .sort();
    const declared = endpoints
      .map(({ contract }) => `${label(contract).replace(/:(\w+)/g, '{$1}')} ${accessLabel(contract)}`)
      .sort();
    expect(served).toEqual(declared);
  });
});

type Who = Role | 'anonymous';

describe('authorisation matrix', () => {
  it('answers 401, 403 or neither exactly as the contracts and role permissions say', async () => {
    const sessions = new Map<Role, Caller>();
    const users = new Map<Role, Awaited<ReturnType<TestContext['createUser']>>>();
    for (const role of roles) {
      const user = await t.createUser(role);
      users.set(role, user);
      sessions.set(role, await t.login(user));
    }
    const matrix: Record<string, Record<string, string | number>> = {};
    const failures: string[] = [];

    for (const { contract } of endpoints) {
      const row: Record<string, string | number> = { access: accessLabel(contract) };
      for (const who of ['anonymous', ...roles] as const satisfies readonly Who[]) {
        const as = who === 'anonymous' ? undefined : sessions.get(who);
        const res = await t.request({
          method: contract.method,
          url: contract.path.replace(/:id\b/g, randomUUID()),
          ...(contract.method === 'GET' ? {} : { body: {} }),
          ...(as ? { as } : {}),
        });
        const status = res.statusCode;
        row[who] = status;

        const access = contract.access;
        const allowed =
          access.kind === 'public' ||
          (who !== 'anonymous' &&
            (access.kind === 'authenticated' || permissionsOf(who).has(access.permission)));
        const where = `${label(contract)} as ${who}: got ${status}`;
        if (allowed) {
          if (status === 401 || status === 403) failures.push(`${where}, expected neither 401 nor 403`);
        } else if (who === 'anonymous') {
          if (status !== 401 || res.json<Problem>().code !== 'unauthenticated')
            failures.push(`${where}, expected 401`);
        } else if (status !== 403 || res.json<Problem>().code !== 'forbidden') {
          failures.push(`${where}, expected 403`);
        }

        // A write may have ended the session (logout): sign in again for the next endpoint.
        if (who !== 'anonymous' && as && contract.method !== 'GET') {
          const me = await t.request({ url: '/api/v1/auth/me', as });
          if (me.statusCode === 401) sessions.set(who, await t.login(users.get(who)!));
        }
      }
      matrix[label(contract)] = row;
    }

    console.table(matrix);
    expect(failures).toEqual([]);
    // The matrix covered every endpoint and every caller.
    expect(Object.keys(matrix)).toHaveLength(endpoints.length);
    // Every endpoint times every caller: long on a loaded machine, so a generous bound.
  }, 240_000);
});
