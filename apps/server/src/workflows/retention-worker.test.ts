import type { Contact, RetentionPolicy, RetentionRun } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../test/context.js';

let t: TestContext;
let dpo: Caller;
beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  dpo = await t.login(await t.createUser('dpo'));
});
afterAll(() => t.close());

describe('the sweep as a job', () => {
  it('is queued by the DPO, taken by the job queue, and logs counts only', async () => {
    await t.database.db.execute(sql`update retention_policies set enabled = false`);
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/retention/policies',
      as: dpo,
      body: {
        name: 'Old leads',
        target: 'contact',
        trigger: 'created',
        period: { amount: 30, unit: 'days' },
        action: 'crypto_shred',
        lifecycleStages: ['lead'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const policy = created.json<RetentionPolicy>();
    const contact = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as: dpo,
      body: { firstName: 'Quinn', lastName: 'Queued', emails: [{ value: 'quinn.queued@example.test' }] },
    });
    expect(contact.statusCode, contact.body).toBe(201);
    const id = contact.json<Contact>().id;
    await t.database.db.execute(
      sql`update contacts set created_at = now() - interval '31 days' where id = ${id}`,
    );

    const queued = await t.request({ method: 'POST', url: '/api/v1/retention/runs', as: dpo, body: {} });
    expect(queued.statusCode, queued.body).toBe(202);
    let run: RetentionRun | undefined;
    for (let i = 0; i < 300 && run?.status !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const runs = await t.request({ method: 'GET', url: '/api/v1/retention/runs', as: dpo });
      run = runs.json<{ items: RetentionRun[] }>().items[0];
    }
    expect(run).toMatchObject({ status: 'completed', origin: 'schedule' });
    expect(run!.policies.find((p) => p.policyId === policy.id)).toMatchObject({ done: 1, failed: 0 });
    const left = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from contacts where id = ${id}`,
    );
    expect(left[0]!.n).toBe(0);
    const logged = t.logLines.filter((line) => line.includes('retention sweep finished'));
    expect(logged).toHaveLength(1);
    for (const line of t.logLines) {
      expect(line).not.toContain(id);
      expect(line).not.toContain('Queued');
    }
  });
});
