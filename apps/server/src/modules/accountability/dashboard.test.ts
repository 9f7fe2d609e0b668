import type { ComplianceDashboard, Contact } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveConsent, publishTestNotice, recordEvent } from '../../test/consent.js';
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

async function call<T>(method: 'GET' | 'POST', url: string, as: Caller, body?: unknown): Promise<T> {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}
const dashboard = () => call<ComplianceDashboard>('GET', '/api/v1/compliance/dashboard', dpo);

describe('the compliance dashboard', () => {
  it('counts what needs the privacy officer, live from the records', async () => {
    const empty = await dashboard();
    expect(empty).toMatchObject({
      requests: { open: 0, overdue: 0 },
      breaches: [],
      recipientsReviewDue: [],
      dpiasReviewDue: [],
    });
    expect(empty.audit.lastVerification).toBeNull();

    await call('POST', '/api/v1/requests', dpo, { type: 'access', requester: { email: 'a@example.test' } });
    await call('POST', '/api/v1/requests', dpo, {
      type: 'erasure',
      requester: { email: 'b@example.test' },
      receivedAt: new Date(Date.now() - 60 * 86_400_000).toISOString(),
    });
    const notice = await publishTestNotice(t, dpo);
    const [ann, ben] = [
      await call<Contact>('POST', '/api/v1/contacts', sales, { firstName: 'Ann' }),
      await call<Contact>('POST', '/api/v1/contacts', sales, { firstName: 'Ben' }),
    ];
    await giveConsent(t, sales, ann.id, 'newsletter', notice);
    await giveConsent(t, sales, ben.id, 'newsletter', notice);
    await recordEvent(t, sales, ben.id, { kind: 'withdrawn', purpose: 'newsletter', method: 'web_form' });
    await t.database.db.execute(sql`update retention_policies set enabled = false`);
    await call('POST', '/api/v1/retention/policies', dpo, {
      name: 'Leads after a day',
      target: 'contact',
      trigger: 'created',
      period: { amount: 1, unit: 'days' },
      action: 'crypto_shred',
      lifecycleStages: ['lead'],
    });
    await t.database.db.execute(
      sql`update contacts set created_at = now() - interval '2 days' where id = ${ann.id}`,
    );
    await call('POST', '/api/v1/breaches', dpo, {
      title: 'Lost USB stick',
      nature: 'An export on a lost stick',
      detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
      awareAt: new Date(Date.now() - 3_600_000).toISOString(),
      risk: 'risk',
    });
    await call('POST', '/api/v1/recipients', dpo, {
      name: 'Old host',
      role: 'processor',
      countries: ['DE'],
      dpaSignedAt: '2020-01-01',
      dpaReviewAt: '2021-01-01',
    });
    await call('POST', '/api/v1/activities', sales, {
      type: 'note',
      body: 'She mentioned her pregnancy',
      contactIds: [ann.id],
    });
    const dpia = await call<{ id: string }>('POST', '/api/v1/dpias', dpo, {
      title: 'Lead scoring',
      purposes: ['profiling'],
    });
    // Signed off last year with a review date now passed.
    await t.database.db.execute(
      sql`update dpias set status = 'signed_off', signed_off_at = now(), review_at = '2026-01-15' where id = ${dpia.id}`,
    );
    await call('GET', '/api/v1/audit/verify', dpo);

    const d = await dashboard();
    expect(d.requests).toMatchObject({ open: 2, overdue: 1, dueWithin7Days: 0 });
    expect(d.requests.byDueDate.reduce((n, x) => n + x.count, 0)).toBe(2);
    expect(d.requests.byDueDate[0]!.date < new Date().toISOString().slice(0, 10)).toBe(true);
    expect(d.consent.find((c) => c.purpose === 'newsletter')).toMatchObject({
      given: 1,
      withdrawn: 1,
      rate: 0.5,
    });
    expect(d.consent.find((c) => c.purpose === 'analytics')!.rate).toBeNull();
    expect(d.retention).toMatchObject({ pastDue: 1, held: 0 });
    expect(d.breaches).toEqual([expect.objectContaining({ title: 'Lost USB stick', overdue: false })]);
    expect(d.breaches[0]!.hoursLeft).toBeGreaterThan(70);
    expect(d.recipientsReviewDue).toEqual([
      expect.objectContaining({ name: 'Old host', dpaReviewAt: '2021-01-01' }),
    ]);
    expect(d.dpiasReviewDue).toEqual([{ id: dpia.id, title: 'Lead scoring', reviewAt: '2026-01-15' }]);
    expect(d.breachNoticesQueued).toBe(0);
    expect(d.audit.lastVerification).toMatchObject({ intact: true });
    expect(d.scanner.openSpecialCategories).toBe(1);
    expect((await t.request({ url: '/api/v1/compliance/dashboard', as: sales })).statusCode).toBe(403);
  });
});
