import type { Contact, Segment, SegmentFilter } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { giveConsent, publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';

let t: TestContext;
let admin: Caller;
let marketing: Caller;
let readonly: Caller;
const people: Record<string, Contact> = {};
let vip: string;
let churned: string;
let stage: string;

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as: Caller, body?: unknown) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.statusCode === 204 ? null : res.json()) as T;
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  marketing = await t.login(await t.createUser('marketing'));
  readonly = await t.login(await t.createUser('readonly'));
  await call('POST', '/api/v1/custom-fields', admin, {
    entity: 'contact',
    key: 'shoe_size',
    label: 'Shoe size',
    type: 'text',
    category: 'behavioural',
    purposes: ['sales_follow_up'],
  });
  const make = async (key: string, body: Record<string, unknown>) => {
    people[key] = await call<Contact>('POST', '/api/v1/contacts', admin, { firstName: key, ...body });
  };
  await make('ann', {
    lifecycleStage: 'lead',
    emails: [{ value: 'ann@seg.test' }],
    tags: ['vip'],
    source: 'event',
  });
  await make('bob', { lifecycleStage: 'lead', tags: ['vip', 'churned'] });
  await make('cat', {
    lifecycleStage: 'customer',
    emails: [{ value: 'cat@seg.test' }],
    customFields: { shoe_size: '38' },
  });
  await make('dan', { lifecycleStage: 'customer', emails: [{ value: 'dan@seg.test' }] });
  await make('eve', { lifecycleStage: 'former' });
  const tags = await queryRows<{ id: string; name: string }>(t.database.db, sql`select id, name from tags`);
  vip = tags.find((x) => x.name === 'vip')!.id;
  churned = tags.find((x) => x.name === 'churned')!.id;
  const [open] = await queryRows<{ id: string }>(
    t.database.db,
    sql`select id from pipeline_stages where pipeline_id = '00000000-0000-4000-8000-000000000001' order by position limit 1`,
  );
  stage = open!.id;
  await call('POST', '/api/v1/deals', admin, {
    title: 'Renewal',
    pipelineId: '00000000-0000-4000-8000-000000000001',
    stageId: stage,
    contactIds: [people.cat!.id],
  });
  const notice = await publishTestNotice(t, admin);
  await giveConsent(t, admin, people.ann!.id, 'newsletter', notice);
  await giveConsent(t, admin, people.cat!.id, 'newsletter', notice);
  await recordEvent(t, admin, people.cat!.id, { kind: 'withdrawn', purpose: 'newsletter', method: 'paper' });
  // Dan was active a week ago, Ann two years ago; the others never.
  await t.database.db.execute(
    sql`update contacts set last_activity_at = now() - interval '7 days' where id = ${people.dan!.id}`,
  );
  await t.database.db.execute(
    sql`update contacts set last_activity_at = now() - interval '730 days' where id = ${people.ann!.id}`,
  );
});
afterAll(() => t.close());

const membersOf = async (filter: SegmentFilter) => {
  const res = await call<{ count: number; items: Contact[] }>('POST', '/api/v1/segments/preview', admin, {
    filter,
    limit: 50,
  });
  expect(res.items).toHaveLength(res.count);
  return res.items.map((c) => c.firstName).sort();
};

describe('segments', () => {
  it('evaluate every kind of condition in the database, combined with and', async () => {
    expect(await membersOf({})).toEqual(['ann', 'bob', 'cat', 'dan', 'eve']);
    expect(await membersOf({ lifecycleStages: ['lead'] })).toEqual(['ann', 'bob']);
    expect(await membersOf({ lifecycleStages: ['lead', 'customer'], hasEmail: true })).toEqual([
      'ann',
      'cat',
      'dan',
    ]);
    expect(await membersOf({ sources: ['event'] })).toEqual(['ann']);
    expect(await membersOf({ tagIds: [vip] })).toEqual(['ann', 'bob']);
    expect(await membersOf({ tagIds: [vip], excludeTagIds: [churned] })).toEqual(['ann']);
    expect(await membersOf({ dealStageIds: [stage] })).toEqual(['cat']);
    expect(await membersOf({ consent: { purpose: 'newsletter', statuses: ['given'] } })).toEqual(['ann']);
    expect(await membersOf({ consent: { purpose: 'newsletter', statuses: ['withdrawn'] } })).toEqual(['cat']);
    expect(await membersOf({ consent: { purpose: 'newsletter', statuses: ['none'] } })).toEqual([
      'bob',
      'dan',
      'eve',
    ]);
    expect(await membersOf({ consent: { purpose: 'newsletter', statuses: ['none', 'given'] } })).toEqual([
      'ann',
      'bob',
      'dan',
      'eve',
    ]);
    expect(await membersOf({ activeWithinDays: 30 })).toEqual(['dan']);
    expect(await membersOf({ inactiveForDays: 365 })).toEqual(['ann', 'bob', 'cat', 'eve']);
    expect(await membersOf({ customFieldsSet: ['shoe_size'] })).toEqual(['cat']);
    expect(await membersOf({ createdTo: new Date(Date.now() - 86_400_000).toISOString() })).toEqual([]);
  });

  it('are saved with a live count, changed and deleted; previews are masked and audited', async () => {
    const saved = await call<Segment>('POST', '/api/v1/segments', marketing, {
      name: 'VIP leads',
      filter: { lifecycleStages: ['lead'], tagIds: [vip] },
    });
    expect(saved.count).toBe(2);
    // The count is live: a new VIP lead is counted at once.
    await call('POST', '/api/v1/contacts', admin, {
      firstName: 'fay',
      lifecycleStage: 'lead',
      tags: ['vip'],
    });
    expect((await call<Segment>('GET', `/api/v1/segments/${saved.id}`, readonly)).count).toBe(3);
    const changed = await call<Segment>('PATCH', `/api/v1/segments/${saved.id}`, marketing, {
      filter: { lifecycleStages: ['lead'], tagIds: [vip], excludeTagIds: [churned] },
    });
    expect(changed.count).toBe(2);
    expect(
      (await call<{ items: Segment[] }>('GET', '/api/v1/segments', readonly)).items.map((s) => s.id),
    ).toContain(saved.id);

    // A read-only user sees who is in it, not how to reach them; the preview is in the trail.
    const preview = await call<{ count: number; items: Contact[] }>(
      'POST',
      '/api/v1/segments/preview',
      readonly,
      {
        filter: { hasEmail: true, lifecycleStages: ['lead'] },
      },
    );
    expect(preview.items.map((c) => [c.firstName, c.emails[0]?.value])).toEqual([['ann', '[restricted]']]);
    const [entry] = await queryRows<{ subject_ids: string[]; categories: string[] }>(
      t.database.db,
      sql`select subject_ids, categories from audit_entries where action = 'segment.preview' order by id desc limit 1`,
    );
    expect(entry!.subject_ids).toHaveLength(1);
    expect(entry!.categories).not.toContain('contact');

    await call('DELETE', `/api/v1/segments/${saved.id}`, marketing);
    expect((await t.request({ url: `/api/v1/segments/${saved.id}`, as: marketing })).statusCode).toBe(404);
  });

  it('answer bad input with problem+json naming the field, and refuse roles without the right', async () => {
    const create = (body: unknown, as: Caller = marketing) =>
      t.request({ method: 'POST', url: '/api/v1/segments', as, body });
    expectFieldProblem(
      await create({ name: 'X', filter: { lifecycleStages: ['vip'] } }),
      'body.filter.lifecycleStages.0',
    );
    expectFieldProblem(await create({ name: 'X', filter: { tagIds: ['nope'] } }), 'body.filter.tagIds.0');
    expectFieldProblem(await create({ name: 'X', filter: { shoeSize: 38 } }), 'body.filter');
    expectFieldProblem(
      await create({ name: 'X', filter: { consent: { purpose: 'telepathy', statuses: ['given'] } } }),
      'body.filter.consent.purpose',
    );
    expectFieldProblem(await create({ name: 'Friends of jane.doe@example.test', filter: {} }), 'body.name');
    expectFieldProblem(await create({ filter: {} }), 'body.name');
    expect((await create({ name: 'X', filter: {} }, readonly)).statusCode).toBe(403);
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/segments/preview',
        as: admin,
        body: { filter: {}, limit: 500 },
      }),
      'body.limit',
    );
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: '/api/v1/segments/00000000-0000-4000-8000-000000000000',
          as: admin,
          body: { name: 'Y' },
        })
      ).statusCode,
    ).toBe(404);
  });
});
