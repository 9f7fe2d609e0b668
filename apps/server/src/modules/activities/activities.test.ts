import { randomUUID } from 'node:crypto';
import type { Activity, Contact, Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { deleteActivitiesReturningKeys } from './index.js';

let t: TestContext;
let sales: Caller;
let marketing: Caller;
let admin: Caller;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  sales = await t.login(await t.createUser('sales'));
  marketing = await t.login(await t.createUser('marketing'));
});
afterAll(() => t.close());

const contact = async (firstName: string) =>
  (
    await t.request({ method: 'POST', url: '/api/v1/contacts', as: sales, body: { firstName } })
  ).json<Contact>();
const record = async (body: Record<string, unknown>) => {
  const res = await t.request({ method: 'POST', url: '/api/v1/activities', as: sales, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Activity>();
};
const subjectOf = async (table: 'contacts' | 'activities', id: string) =>
  (
    await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from ${sql.identifier(table)} where id = ${id}`,
    )
  )[0]?.subject_id;

describe('activities and the timeline', () => {
  it('records a call, moves the contact’s last activity forward, and shows it on the timeline', async () => {
    const ada = await contact('Ada');
    const call = await record({
      type: 'call',
      subject: 'Discovery call',
      body: 'Ada wants a demo next week.',
      occurredAt: '2026-11-20T10:00:00Z',
      durationMinutes: 25,
      direction: 'outbound',
      contactIds: [ada.id],
    });
    expect(call).toMatchObject({
      type: 'call',
      subject: 'Discovery call',
      contactIds: [ada.id],
      restricted: [],
    });
    await record({
      type: 'note',
      body: 'Earlier note',
      occurredAt: '2026-11-01T09:00:00Z',
      contactIds: [ada.id],
    });
    const after = (await t.request({ url: `/api/v1/contacts/${ada.id}`, as: sales })).json<Contact>();
    expect(after.lastActivityAt).toBe('2026-11-20T10:00:00.000Z');

    const timeline = await t.request({ url: `/api/v1/contacts/${ada.id}/activities?limit=1`, as: sales });
    const page = timeline.json<{ items: Activity[]; nextCursor: string }>();
    expect(page.items.map((a) => a.subject)).toEqual(['Discovery call']);
    const next = await t.request({
      url: `/api/v1/contacts/${ada.id}/activities?limit=1&cursor=${page.nextCursor}`,
      as: sales,
    });
    expect(next.json<{ items: Activity[] }>().items.map((a) => a.body)).toEqual(['Earlier note']);

    const [entry] = await queryRows<{ subject_ids: string[]; purpose: string }>(
      t.database.db,
      sql`select subject_ids, purpose from audit_entries where action = 'contact.timeline' and entity_id = ${ada.id} order by id desc limit 1`,
    );
    expect(entry).toMatchObject({
      subject_ids: [await subjectOf('contacts', ada.id)],
      purpose: 'sales_follow_up',
    });
    expect(
      (await t.request({ url: `/api/v1/contacts/${randomUUID()}/activities`, as: sales })).statusCode,
    ).toBe(404);
  });

  it('masks notes for a purpose that may not use them', async () => {
    const bob = await contact('Bob');
    const note = await record({ type: 'note', body: 'Bob mentioned his health', contactIds: [bob.id] });
    const res = await t.request({ url: `/api/v1/activities/${note.id}`, as: marketing });
    expect(res.json<Activity>()).toMatchObject({ body: '[restricted]', restricted: ['body', 'subject'] });
    expect(res.body).not.toContain('health');
  });

  it('keeps a shared activity readable for the others when one person is deleted, and shreds one about them alone', async () => {
    const [carol, dan] = [await contact('Carol'), await contact('Dan')];
    const shared = await record({
      type: 'meeting',
      subject: 'Joint meeting',
      contactIds: [carol.id, dan.id],
    });
    const alone = await record({ type: 'note', body: 'About Carol only', contactIds: [carol.id] });
    const task = await t.request({
      method: 'POST',
      url: '/api/v1/tasks',
      as: sales,
      body: { title: 'Call Carol', contactId: carol.id },
    });
    const taskId = task.json<{ id: string }>().id;
    const aloneKey = await subjectOf('activities', alone.id);
    const [taskKey] = await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from tasks where id = ${taskId}`,
    );

    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/contacts/${carol.id}`, as: admin })).statusCode,
    ).toBe(204);

    const still = await t.request({ url: `/api/v1/activities/${shared.id}`, as: sales });
    expect(still.json<Activity>()).toMatchObject({ subject: 'Joint meeting', contactIds: [dan.id] });
    expect((await t.request({ url: `/api/v1/activities/${alone.id}`, as: sales })).statusCode).toBe(404);
    expect((await t.request({ url: `/api/v1/tasks/${taskId}`, as: sales })).statusCode).toBe(404);
    const keys = await queryRows<{ id: string; wrapped_key: unknown }>(
      t.database.db,
      sql`select id, wrapped_key from data_subjects where id in (${aloneKey}, ${taskKey?.subject_id})`,
    );
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.wrapped_key === null)).toBe(true);
  });

  it('deletes a batch of activities in one statement, returning those that were there with their keys', async () => {
    const erin = await contact('Erin');
    const a = await record({ type: 'note', body: 'First', contactIds: [erin.id] });
    const b = await record({ type: 'call', subject: 'Second', contactIds: [erin.id] });
    const kept = await record({ type: 'note', body: 'Kept', contactIds: [erin.id] });
    const keysBefore = [await subjectOf('activities', a.id), await subjectOf('activities', b.id)];
    const gone = await deleteActivitiesReturningKeys(t.database.db, [a.id, b.id, randomUUID()]);
    expect(gone.map((g) => g.id).sort()).toEqual([a.id, b.id].sort());
    expect(gone.map((g) => g.subjectId).sort()).toEqual([...keysBefore].sort());
    expect(await deleteActivitiesReturningKeys(t.database.db, [])).toEqual([]);
    expect((await t.request({ url: `/api/v1/activities/${a.id}`, as: sales })).statusCode).toBe(404);
    expect((await t.request({ url: `/api/v1/activities/${kept.id}`, as: sales })).statusCode).toBe(200);
    const links = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from activity_contacts where activity_id in (${a.id}, ${b.id})`,
    );
    expect(links[0]!.n).toBe(0);
  });

  it.each([
    [{ type: 'fax', contactIds: ['c'] }, 'body.type'],
    [{ type: 'note' }, 'body.contactIds'],
    [{ type: 'note', contactIds: ['missing'] }, 'body.contactIds'],
    [{ type: 'call', contactIds: ['c'], durationMinutes: -5 }, 'body.durationMinutes'],
    [{ type: 'call', contactIds: ['c'], direction: 'sideways' }, 'body.direction'],
    [{ type: 'note', contactIds: ['c'], occurredAt: 'yesterday' }, 'body.occurredAt'],
    [{ type: 'note', contactIds: ['c'], body: 'x'.repeat(20_001) }, 'body.body'],
    [{ type: 'note', companyId: 'missing' }, 'body.companyId'],
  ])('refuses %j naming %s', async (input, field) => {
    const someone = await contact('Valid');
    const swap = (v: unknown) => (v === 'c' ? someone.id : v === 'missing' ? randomUUID() : v);
    const body = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, Array.isArray(v) ? v.map(swap) : swap(v)]),
    );
    const res = await t.request({ method: 'POST', url: '/api/v1/activities', as: sales, body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
  });
});
