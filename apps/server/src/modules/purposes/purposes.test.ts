import { type Problem, type PurposeRecord, purposes } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';

let t: TestContext;
let dpo: Caller;
let sales: Caller;
beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  sales = await t.login(await t.createUser('sales'));
});
afterAll(() => t.close());

describe('purposes', () => {
  it('ships every purpose with a lawful basis and its DPV terms', async () => {
    const res = await t.request({ url: '/api/v1/purposes', as: sales });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: PurposeRecord[] }>().items;
    expect(items.map((p) => p.key).sort()).toEqual([...purposes].sort());
    expect(items.find((p) => p.key === 'marketing_email')).toMatchObject({
      lawfulBasis: 'consent',
      dpvPurpose: 'dpv:DirectMarketing',
      dpvLegalBasis: { dpv: 'dpv:Consent', gdpr: 'eu-gdpr:A6-1-a' },
    });
    expect(items.find((p) => p.key === 'profiling')).toMatchObject({
      profiling: true,
      lawfulBasis: 'legitimate_interests',
    });
  });

  it('lets the DPO change a purpose, audited, and keeps its justification coherent', async () => {
    const changed = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/newsletter',
      as: dpo,
      body: { description: 'Monthly product news.', retention: 'Until unsubscribed.' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<PurposeRecord>()).toMatchObject({
      description: 'Monthly product news.',
      lawfulBasis: 'consent',
    });
    const [entry] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'purpose.update' and entity_id = 'newsletter'`,
    );
    expect(entry?.n).toBe(1);

    const special = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/customer_support',
      as: dpo,
      body: { categories: ['identity', 'special'] },
    });
    expect(special.statusCode).toBe(400);
    expect(special.json<Problem>().errors?.[0]?.field).toBe('body.art9Condition');
    const explicit = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/customer_support',
      as: dpo,
      body: { categories: ['identity', 'special'], art9Condition: 'explicit_consent' },
    });
    expect(explicit.json<Problem>().errors?.[0]?.field).toBe('body.lawfulBasis');
    const ok = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/customer_support',
      as: dpo,
      body: {
        categories: ['identity', 'special'],
        art9Condition: 'explicit_consent',
        lawfulBasis: 'consent',
      },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<PurposeRecord>().dpvLegalBasis.dpv).toBe('dpv:Consent');
  });

  it('refuses sales, unknown purposes and bad values', async () => {
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: '/api/v1/purposes/newsletter',
          as: sales,
          body: { name: 'X' },
        })
      ).statusCode,
    ).toBe(403);
    expect((await t.request({ url: '/api/v1/purposes/gossip', as: sales })).statusCode).toBe(400);
    for (const [body, field] of [
      [{ lawfulBasis: 'because' }, 'body.lawfulBasis'],
      [{ dpvPurpose: 'Marketing' }, 'body.dpvPurpose'],
      [{ categories: ['secrets'] }, 'body.categories.0'],
      [{}, 'body'],
    ] as const) {
      const res = await t.request({ method: 'PATCH', url: '/api/v1/purposes/newsletter', as: dpo, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<Problem>().errors?.map((e) => e.field)).toContain(field);
    }
  });
});
