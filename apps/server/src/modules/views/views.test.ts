import type { SavedView } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';

let t: TestContext;
let ann: Caller;
let bob: Caller;

const body = {
  name: 'Hot leads',
  filters: { lifecycleStage: 'lead', tag: 'vip' },
  columns: ['email', 'company', 'lastActivity'],
  sort: '-lastActivityAt',
};

async function create(as: Caller, extra: Record<string, unknown> = {}): Promise<SavedView> {
  const res = await t.request({ method: 'POST', url: '/api/v1/views', as, body: { ...body, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<SavedView>();
}

beforeAll(async () => {
  t = await createTestContext();
  ann = await t.login(await t.createUser('sales'));
  bob = await t.login(await t.createUser('support'));
});
afterAll(async () => {
  await t?.close();
});

describe('saved views of the contacts list', () => {
  it('creates, lists, reads, changes and deletes a view of ones own, each write audited', async () => {
    const view = await create(ann);
    expect(view).toMatchObject(body);
    const list = await t.request({ url: '/api/v1/views', as: ann });
    expect(list.json<{ items: SavedView[] }>().items.map((v) => v.id)).toContain(view.id);

    const changed = await t.request({
      method: 'PATCH',
      url: `/api/v1/views/${view.id}`,
      as: ann,
      body: { columns: ['phone'], filters: {} },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<SavedView>()).toMatchObject({ name: 'Hot leads', columns: ['phone'], filters: {} });
    const read = await t.request({ url: `/api/v1/views/${view.id}`, as: ann });
    expect(read.json<SavedView>().columns).toEqual(['phone']);

    const gone = await t.request({ method: 'DELETE', url: `/api/v1/views/${view.id}`, as: ann });
    expect(gone.statusCode).toBe(204);
    expect((await t.request({ url: `/api/v1/views/${view.id}`, as: ann })).statusCode).toBe(404);
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_entries where entity_id = ${view.id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['view.create', 'view.update', 'view.delete']);
  });

  it('answers 404 for another users view, to read, change or delete, and never lists it', async () => {
    const view = await create(ann, { name: 'Anns view' });
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { name: 'taken over' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.request({ method, url: `/api/v1/views/${view.id}`, as: bob, body: payload });
      expect(res.statusCode, `${method} ${res.body}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const bobs = await t.request({ url: '/api/v1/views', as: bob });
    expect(bobs.json<{ items: SavedView[] }>().items.map((v) => v.id)).not.toContain(view.id);
    // Still there, unchanged, for its owner.
    expect((await t.request({ url: `/api/v1/views/${view.id}`, as: ann })).json<SavedView>().name).toBe(
      'Anns view',
    );
  });

  it('refuses bad input with problem+json naming the field: search text, unknown columns, identifiers', async () => {
    const post = (b: unknown) => t.request({ method: 'POST', url: '/api/v1/views', as: ann, body: b });
    expectFieldProblem(await post({ ...body, filters: { q: 'Jane Doe' } }), 'body.filters', 'no search text');
    expectFieldProblem(
      await post({ ...body, columns: ['email', 'shoeSize'] }),
      'body.columns.1',
      'unknown column',
    );
    expectFieldProblem(await post({ ...body, columns: ['email', 'email'] }), 'body.columns', 'twice');
    expectFieldProblem(await post({ ...body, sort: 'email' }), 'body.sort', 'sort');
    expectFieldProblem(await post({ ...body, name: '' }), 'body.name', 'empty name');
    expectFieldProblem(
      await post({ ...body, name: 'Leads of jane.doe@example.com' }),
      'body.name',
      'identifier',
    );
    const patch = await t.request({
      method: 'PATCH',
      url: `/api/v1/views/${(await create(ann)).id}`,
      as: ann,
      body: {},
    });
    expect(patch.statusCode).toBe(400);
    const badId = await t.request({ url: '/api/v1/views/not-a-uuid', as: ann });
    expectFieldProblem(badId, 'params.id', 'id');
  });

  it('needs a signed-in caller', async () => {
    expect((await t.request({ url: '/api/v1/views' })).statusCode).toBe(401);
  });
});
