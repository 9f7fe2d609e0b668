import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { queryRows } from '../db/database.js';
import { safeErrorSerializer } from '../log.js';

let t: TestContext;
let admin: Awaited<ReturnType<TestContext['login']>>;
beforeAll(async () => {
  t = await createTestContext({
    // A statement the database refuses for its value, reached past the request checks.
    extend: (app, database) =>
      app.get('/db-refuses', async () =>
        queryRows(database.db, sql`select ${'secret\u0000value'}::text as v`),
      ),
  });
  admin = await t.login(await t.createUser('admin'));
});
afterAll(() => t.close());

describe('text the database cannot store', () => {
  it('answers 400 naming the field for a NUL character in a body, a nested key or a query, and stores nothing', async () => {
    const body = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      as: admin,
      body: {
        email: 'nul@example.test',
        name: 'Ja\u0000ne',
        role: 'sales',
        password: 'a long enough passphrase',
      },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().errors).toEqual([{ field: 'body.name', issue: 'contains a NUL character' }]);
    const users = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from users where email = 'nul@example.test'`,
    );
    expect(users[0]?.n).toBe(0);

    const nested = await t.request({
      method: 'POST',
      url: '/api/v1/tokens',
      as: admin,
      body: { name: 'x', scopes: ['users:read'], extra: { deep: ['ok', 'n\u0000'] } },
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().errors[0].field).toBe('body.extra.deep.1');

    const query = await t.request({ url: '/api/v1/audit?action=%00', as: admin });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0].field).toBe('querystring.action');
  });

  it('turns a value the database refuses into 400, and logs neither the value nor the query', async () => {
    const res = await t.request({ url: '/db-refuses' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('bad_request');
    expect(res.body).not.toContain('secret');
    expect(t.logLines.join('\n')).not.toContain('secret');
  });
});

describe('error serialisation for logs', () => {
  it('keeps only stack frames, even when the message spans lines with query parameters', () => {
    const err = new Error('Failed query: insert into users values ($1)\nparams: jane@example.com,Jane Doe');
    const out = JSON.stringify(safeErrorSerializer(err));
    expect(out).not.toContain('jane@example.com');
    expect(out).not.toContain('Failed query');
    expect(out).toContain('at ');
  });
});
