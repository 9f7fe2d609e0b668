import { randomUUID } from 'node:crypto';
import type { Activity, Contact, Deal, Pipeline, Problem, Task } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';

let t: TestContext;
let sales: Caller;
let readonly: Caller;
beforeAll(async () => {
  t = await createTestContext();
  sales = await t.login(await t.createUser('sales'));
  readonly = await t.login(await t.createUser('readonly'));
});
afterAll(() => t.close());

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await t.request({ method: 'POST', url, as: sales, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}
const subjectOf = async (id: string) =>
  (
    await queryRows<{ subject_id: string }>(
      t.database.db,
      sql`select subject_id from contacts where id = ${id}`,
    )
  )[0]?.subject_id;

describe('merging contacts', () => {
  it('merges fields as chosen, unites lists, moves activities, deals and tasks, and deletes the other', async () => {
    const tag = randomUUID().slice(0, 8);
    const ann = await post<Contact>('/api/v1/contacts', {
      firstName: 'Ann',
      emails: [{ value: `ann-${tag}@example.test` }],
      tags: ['customer-a'],
    });
    const anne = await post<Contact>('/api/v1/contacts', {
      firstName: 'Anne',
      lastName: 'Smith',
      emails: [{ value: `anne-${tag}@example.test` }, { value: `ANN-${tag}@example.test` }],
      phones: [{ value: '+44 20 7946 0000' }],
      tags: ['newsletter'],
    });
    const annSubject = await subjectOf(ann.id);
    const anneSubject = await subjectOf(anne.id);
    const onlyAnne = await post<Activity>('/api/v1/activities', {
      type: 'note',
      body: 'Anne only',
      contactIds: [anne.id],
    });
    const both = await post<Activity>('/api/v1/activities', { type: 'call', contactIds: [ann.id, anne.id] });
    const pipeline = (await t.request({ url: '/api/v1/pipelines', as: sales })).json<{ items: Pipeline[] }>()
      .items[0]!;
    const deal = await post<Deal>('/api/v1/deals', {
      title: 'Renewal',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      contactIds: [anne.id],
    });
    const task = await post<Task>('/api/v1/tasks', { title: 'Call Anne', contactId: anne.id });

    const merged = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${ann.id}/merge`,
      as: sales,
      body: { otherId: anne.id, take: { firstName: 'other' } },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json<Contact>()).toMatchObject({
      id: ann.id,
      firstName: 'Anne',
      lastName: 'Smith',
      emails: [
        { value: `ann-${tag}@example.test`, primary: true },
        { value: `anne-${tag}@example.test`, primary: false },
      ],
      phones: [{ value: '+442079460000' }],
      tags: ['customer-a', 'newsletter'],
    });

    expect((await t.request({ url: `/api/v1/contacts/${anne.id}`, as: sales })).statusCode).toBe(404);
    const found = await t.request({ url: `/api/v1/contacts?q=anne-${tag}@example.test`, as: sales });
    expect(found.json<{ items: Contact[] }>().items.map((c) => c.id)).toEqual([ann.id]);
    const timeline = (await t.request({ url: `/api/v1/contacts/${ann.id}/activities`, as: sales })).json<{
      items: Activity[];
    }>();
    expect(timeline.items.map((a) => a.id).sort()).toEqual([onlyAnne.id, both.id].sort());
    expect(timeline.items.find((a) => a.id === both.id)?.contactIds).toEqual([ann.id]);
    expect((await t.request({ url: `/api/v1/deals/${deal.id}`, as: sales })).json<Deal>().contactIds).toEqual(
      [ann.id],
    );
    expect((await t.request({ url: `/api/v1/tasks/${task.id}`, as: sales })).json<Task>().contactId).toBe(
      ann.id,
    );

    const [key] = await queryRows<{ wrapped_key: unknown }>(
      t.database.db,
      sql`select wrapped_key from data_subjects where id = ${anneSubject}`,
    );
    expect(key?.wrapped_key).toBeNull();
    const [entry] = await queryRows<{ subject_ids: string[] }>(
      t.database.db,
      sql`select subject_ids from audit_entries where action = 'contact.merge' and entity_id = ${ann.id}`,
    );
    expect([...(entry?.subject_ids ?? [])].sort()).toEqual([annSubject, anneSubject].sort());
  });

  it('refuses merging a contact into itself, an unknown contact, and roles that may not write', async () => {
    const a = await post<Contact>('/api/v1/contacts', { firstName: 'Solo' });
    const self = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${a.id}/merge`,
      as: sales,
      body: { otherId: a.id },
    });
    expect(self.statusCode).toBe(400);
    expect(self.json<Problem>().errors?.[0]?.field).toBe('body.otherId');
    for (const [id, otherId] of [
      [a.id, randomUUID()],
      [randomUUID(), a.id],
    ]) {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${id}/merge`,
        as: sales,
        body: { otherId },
      });
      expect(res.statusCode).toBe(404);
    }
    const b = await post<Contact>('/api/v1/contacts', { firstName: 'Other' });
    const denied = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${a.id}/merge`,
      as: readonly,
      body: { otherId: b.id },
    });
    expect(denied.statusCode).toBe(403);
    const badChoice = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${a.id}/merge`,
      as: sales,
      body: { otherId: b.id, take: { firstName: 'both' } },
    });
    expect(badChoice.statusCode).toBe(400);
    // Nothing was changed by the refusals.
    expect((await t.request({ url: `/api/v1/contacts/${b.id}`, as: sales })).statusCode).toBe(200);
  });
});
