import { randomUUID } from 'node:crypto';
import type { Problem, Task } from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext, type TestUser } from '../../test/context.js';

let t: TestContext;
let sales: Caller;
let salesUser: TestUser;
let support: Caller;
let readonly: Caller;
beforeAll(async () => {
  t = await createTestContext();
  salesUser = await t.createUser('sales');
  sales = await t.login(salesUser);
  support = await t.login(await t.createUser('support'));
  readonly = await t.login(await t.createUser('readonly'));
});
afterAll(() => t.close());

const create = async (body: Record<string, unknown>, as: Caller = sales) => {
  const res = await t.request({ method: 'POST', url: '/api/v1/tasks', as, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Task>();
};

describe('tasks', () => {
  it('assigns to the caller by default, lists mine soonest due first, and records completion', async () => {
    const later = await create({ title: 'Send proposal', dueAt: '2027-01-10T09:00:00Z' });
    const sooner = await create({ title: 'Prepare call', dueAt: '2027-01-05T09:00:00Z' });
    const undated = await create({ title: 'Someday' });
    expect(later).toMatchObject({ assigneeId: salesUser.id, status: 'open', completedAt: null });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request({
        url: `/api/v1/tasks?mine=true&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        as: sales,
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ items: Task[]; nextCursor: string | null }>();
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([sooner.id, later.id, undated.id]);
    const done = await t.request({
      method: 'PATCH',
      url: `/api/v1/tasks/${sooner.id}`,
      as: sales,
      body: { status: 'done' },
    });
    expect(done.json<Task>().completedAt).not.toBeNull();
    const open = await t.request({ url: '/api/v1/tasks?mine=true&status=open', as: sales });
    expect(open.json<{ items: Task[] }>().items.map((i) => i.id)).toEqual([later.id, undated.id]);
  });

  it('masks the title for a role that may not see it, and refuses writes to read-only roles', async () => {
    const task = await create({ title: 'Call Erin about her complaint' });
    const asReadonly = await t.request({ url: `/api/v1/tasks/${task.id}`, as: readonly });
    expect(asReadonly.json<Task>().title).toBe('[restricted]');
    expect((await t.request({ url: `/api/v1/tasks/${task.id}`, as: support })).json<Task>().title).toBe(
      task.title,
    );
    expect(
      (await t.request({ method: 'POST', url: '/api/v1/tasks', as: readonly, body: { title: 'x' } }))
        .statusCode,
    ).toBe(403);
  });

  it.each([
    [{ title: '' }, 'body.title'],
    [{ title: 'x', dueAt: '2027-13-01T00:00:00Z' }, 'body.dueAt'],
    [{ title: 'x', status: 'later' }, 'body.status'],
    [{ title: 'x', assigneeId: 'missing' }, 'body.assigneeId'],
    [{ title: 'x', contactId: 'missing' }, 'body.contactId'],
  ])('refuses %j naming %s', async (input, field) => {
    const body = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, v === 'missing' ? randomUUID() : v]),
    );
    const res = await t.request({ method: 'POST', url: '/api/v1/tasks', as: sales, body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
  });

  it('refuses a cursor it did not issue', async () => {
    const forged = Buffer.from(JSON.stringify(['infinity', 'not-a-uuid'])).toString('base64url');
    expect((await t.request({ url: `/api/v1/tasks?cursor=${forged}`, as: sales })).statusCode).toBe(400);
  });
});
