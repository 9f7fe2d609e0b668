import type { AnalyticsExport, Contact, RetentionRun } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/access.js';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows } from '../../platform/db/database.js';
import { publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { runRetentionSweep } from '../../workflows/run-retention.js';
import { subjectKeysFor } from '../subjects/index.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
const people: Contact[] = [];
const countries = ['DE', 'DE', 'FR', 'US'];

beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
  await publishTestNotice(t, dpo);
  for (let i = 0; i < 40; i++) {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: sales,
      body: {
        firstName: `Stat${i}`,
        lastName: `Istic${i}`,
        emails: [{ value: `stat${i}@example.test` }],
        addresses: [{ city: `Town${i}`, country: countries[i % 4] }],
        dateOfBirth: `19${70 + (i % 20)}-0${(i % 9) + 1}-1${i % 10}`,
        lifecycleStage: i % 3 === 0 ? 'customer' : 'lead',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    people.push(res.json<Contact>());
  }
  // One objects to analytics (a legitimate interest): the guard leaves them out.
  await recordEvent(t, dpo, people[0]!.id, { kind: 'objected', purpose: 'analytics', method: 'web_form' });
});
afterAll(() => t.close());

const exportOf = async (query: string) => {
  const res = await t.request({ method: 'GET', url: `/api/v1/analytics/export?${query}`, as: sales });
  expect(res.statusCode, res.body).toBe(200);
  return { body: res.body, answer: res.json<AnalyticsExport>() };
};

/** Group sizes by the quasi-identifier columns of the released rows. */
function groupSizes(answer: AnalyticsExport): number[] {
  const q = answer.quasiIdentifiers.length;
  const sizes = new Map<string, number>();
  for (const row of answer.rows) {
    const key = JSON.stringify(row.slice(0, q));
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return [...sizes.values()];
}

describe('the analytics export', () => {
  it('releases contacts k-anonymously, without identifiers, leaving out whom the guard refuses', async () => {
    const { body, answer } = await exportOf('entity=contacts&k=5');
    expect(answer.refused).toBe(1);
    expect(answer.records).toBe(39);
    expect(answer.released + answer.suppressed).toBe(39);
    expect(answer.suppressed).toBeLessThanOrEqual(Math.floor(0.05 * 39));
    expect(answer.kAchieved).toBeGreaterThanOrEqual(5);
    for (const size of groupSizes(answer)) expect(size).toBeGreaterThanOrEqual(5);
    expect(answer.columns).toEqual([
      'created',
      'lifecycleStage',
      'source',
      'country',
      'birthYears',
      'activities',
      'dealsWon',
    ]);
    for (const p of people) {
      expect(body).not.toContain(p.id);
      expect(body).not.toContain(p.lastName!);
      expect(body).not.toContain(p.addresses[0]!.city!);
    }
    expect(body).not.toMatch(/19\d\d-\d\d-\d\d/); // no date of birth
    // With fewer quasi-identifiers, less needs generalising.
    const few = (await exportOf('entity=contacts&k=5&quasiIdentifiers=lifecycleStage,country')).answer;
    expect(few.quasiIdentifiers.map((q) => q.name)).toEqual(['lifecycleStage', 'country']);
    expect(few.suppressed + few.released).toBe(39);
    for (const size of groupSizes(few)) expect(size).toBeGreaterThanOrEqual(5);
    const audited = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'analytics.export'`,
    );
    expect(audited[0]!.n).toBeGreaterThan(0);
  });

  it('releases deals and activities the same way, and as CSV', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/activities',
        as: sales,
        body: {
          type: i % 2 ? 'call' : 'note',
          body: `Call ${i}`,
          durationMinutes: 10 + i,
          contactIds: [people[i]!.id],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const { answer } = await exportOf('entity=activities&k=4&maxSuppression=0');
    expect(answer.suppressed).toBe(0);
    for (const size of groupSizes(answer)) expect(size).toBeGreaterThanOrEqual(4);
    expect(answer.columns).toEqual(['occurred', 'type', 'direction', 'duration', 'people']);
    expect((await exportOf('entity=deals&k=2')).answer.entity).toBe('deals');
    const csv = await t.request({
      method: 'GET',
      url: '/api/v1/analytics/export.csv?entity=contacts&k=5',
      as: sales,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(Number(csv.headers['x-k-achieved'])).toBeGreaterThanOrEqual(5);
    expect(csv.body.split('\n')[0]).toBe(
      'created,lifecycleStage,source,country,birthYears,activities,dealsWon',
    );
  });

  it('answers bad input with problem+json naming the parameter', async () => {
    const bad = (query: string) =>
      t.request({ method: 'GET', url: `/api/v1/analytics/export?${query}`, as: sales });
    expectFieldProblem(await bad('entity=people'), 'querystring.entity');
    expectFieldProblem(await bad('entity=contacts&k=1'), 'querystring.k');
    expectFieldProblem(await bad('entity=contacts&maxSuppression=0.9'), 'querystring.maxSuppression');
    expectFieldProblem(await bad('entity=contacts&quasiIdentifiers=email'), 'querystring.quasiIdentifiers');
    expectFieldProblem(
      await bad('entity=deals&quasiIdentifiers=stage,stage'),
      'querystring.quasiIdentifiers',
    );
    const support = await t.login(await t.createUser('support'));
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/analytics/export?entity=deals', as: support }))
        .statusCode,
    ).toBe(403);
  });
});

describe('anonymisation by retention', () => {
  it('keeps a statistical record without identifiers, erases the person, and the export still counts them', async () => {
    const before = (await exportOf('entity=contacts&k=2')).answer.records;
    await t.database.db.execute(sql`update retention_policies set enabled = false`);
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/retention/policies',
      as: dpo,
      body: {
        name: 'Anonymise old customers',
        target: 'contact',
        trigger: 'created',
        period: { amount: 1, unit: 'years' },
        action: 'anonymise',
        lifecycleStages: ['customer'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const customers = people.filter((_, i) => i % 3 === 0 && i > 0);
    for (const c of customers)
      await t.database.db.execute(
        sql`update contacts set created_at = '2024-05-17T10:00:00Z' where id = ${c.id}`,
      );
    const run = (await runRetentionSweep(
      {
        database: t.database,
        db: t.database.db,
        keys: t.keys,
        subjects: subjectKeysFor(t.keys),
        indexer: indexerFor(t.keys),
        ctx: systemContext('test'),
      },
      { origin: 'api', batchSize: 5 },
    )) as RetentionRun;
    expect(run.policies[0]!.done).toBe(customers.length);
    const left = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from contacts where id = any(${`{${customers.map((c) => c.id).join(',')}}`}::uuid[])`,
    );
    expect(left[0]!.n).toBe(0);
    const kept = await queryRows<{
      created_month: string;
      country: string;
      birth_years: string;
      lifecycle_stage: string;
    }>(
      t.database.db,
      sql`select created_month, country, birth_years, lifecycle_stage from anonymous_records order by birth_years`,
    );
    expect(kept).toHaveLength(customers.length);
    expect(kept.every((k) => k.created_month === '2024-05' && k.lifecycle_stage === 'customer')).toBe(true);
    expect(kept.map((k) => k.country).sort()).toEqual(customers.map((c) => c.addresses[0]!.country).sort());
    expect(kept.every((k) => /^19[789][05]-19[789][49]$/.test(k.birth_years))).toBe(true);
    // Nothing in the statistical records leads back to them.
    const dump = (
      await queryRows<{ r: string }>(t.database.db, sql`select r::text as r from anonymous_records r`)
    )
      .map((x) => x.r)
      .join('\n');
    for (const c of customers) {
      expect(dump).not.toContain(c.id);
      expect(dump).not.toContain(c.lastName!);
      expect(dump).not.toContain(c.dateOfBirth!);
    }
    expect((await exportOf('entity=contacts&k=2')).answer.records).toBe(before);
  });
});
