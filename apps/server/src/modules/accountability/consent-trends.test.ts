import type { ComplianceDashboard, ConsentTrends, Contact } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTestNotice, recordEvent } from '../../test/consent.js';
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

async function get<T>(url: string, as: Caller = dpo): Promise<T> {
  const res = await t.request({ url, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}
const at = (day: string) => `${day}T10:00:00.000Z`;
const pointsOf = (trends: ConsentTrends, purpose: string) =>
  trends.purposes.find((p) => p.purpose === purpose)!.points;

describe('consent rates over time', () => {
  it('replays the ledger to the end of each period, with the dashboard’s definition of the rate', async () => {
    const notice = await publishTestNotice(t, dpo);
    // The ledger's events happened in 2024: the notice they cite must have been published by then.
    await t.database.db.execute(
      sql`update notices set published_at = '2023-12-01T00:00:00Z' where id = ${notice.id}`,
    );
    const contact = async (firstName: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/contacts',
        as: sales,
        body: { firstName },
      });
      return res.json<Contact>();
    };
    const [ann, ben, cid, dee] = [
      await contact('Ann'),
      await contact('Ben'),
      await contact('Cid'),
      await contact('Dee'),
    ];
    const ask = (id: string, kind: 'given' | 'pending' | 'refused', day: string) =>
      recordEvent(t, sales, id, {
        kind,
        purpose: 'newsletter',
        noticeId: notice.id,
        language: 'en',
        method: 'paper',
        occurredAt: at(day),
      });
    await ask(ann.id, 'given', '2024-01-10');
    await recordEvent(t, sales, ann.id, {
      kind: 'withdrawn',
      purpose: 'newsletter',
      method: 'web_form',
      occurredAt: at('2024-02-10'),
    });
    await ask(ben.id, 'given', '2024-02-05');
    const pending = await ask(cid.id, 'pending', '2024-01-20');
    await recordEvent(t, sales, cid.id, {
      kind: 'confirmed',
      purpose: 'newsletter',
      relatesTo: pending.id,
      method: 'double_opt_in_email',
      occurredAt: at('2024-03-03'),
    });
    await ask(dee.id, 'refused', '2024-03-10');
    // An objection is a flag, not an answer to the question: Dee's refusal stays what counts.
    await recordEvent(t, sales, dee.id, {
      kind: 'objected',
      purpose: 'newsletter',
      method: 'web_form',
      occurredAt: at('2024-03-12'),
    });
    // After the last period: not counted.
    await recordEvent(t, sales, ben.id, {
      kind: 'withdrawn',
      purpose: 'newsletter',
      method: 'web_form',
      occurredAt: at('2024-04-10'),
    });

    const monthly = await get<ConsentTrends>(
      '/api/v1/compliance/consent-trends?from=2024-01-01&to=2024-03-31&interval=month',
    );
    // Period ends are midnights in TIME_ZONE (Europe/Berlin here; summer time from 31 March 2024).
    expect(monthly.periods).toEqual([
      { start: '2024-01-01', end: '2024-01-31', endsAt: '2024-01-31T23:00:00.000Z' },
      { start: '2024-02-01', end: '2024-02-29', endsAt: '2024-02-29T23:00:00.000Z' },
      { start: '2024-03-01', end: '2024-03-31', endsAt: '2024-03-31T22:00:00.000Z' },
    ]);
    expect(pointsOf(monthly, 'newsletter')).toEqual([
      { given: 1, pending: 1, withdrawn: 0, refused: 0, expired: 0, asked: 2, rate: 0.5 },
      { given: 1, pending: 1, withdrawn: 1, refused: 0, expired: 0, asked: 3, rate: 0.333 },
      { given: 2, pending: 0, withdrawn: 1, refused: 1, expired: 0, asked: 4, rate: 0.5 },
    ]);
    expect(pointsOf(monthly, 'analytics').every((p) => p.asked === 0 && p.rate === null)).toBe(true);

    // Weekly, the last period cut at `to`: 8–14 January has Ann's consent only.
    const weekly = await get<ConsentTrends>(
      '/api/v1/compliance/consent-trends?from=2024-01-01&to=2024-01-17&interval=week',
    );
    expect(weekly.periods.map((p) => [p.start, p.end])).toEqual([
      ['2024-01-01', '2024-01-07'],
      ['2024-01-08', '2024-01-14'],
      ['2024-01-15', '2024-01-17'],
    ]);
    expect(pointsOf(weekly, 'newsletter').map((p) => [p.given, p.asked])).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
    ]);

    // A period ending today holds the dashboard's current figures.
    const today = new Date().toISOString().slice(0, 10);
    const upToNow = await get<ConsentTrends>(`/api/v1/compliance/consent-trends?from=2024-01-01&to=${today}`);
    const dashboard = await get<ComplianceDashboard>('/api/v1/compliance/dashboard');
    const current = dashboard.consent.find((c) => c.purpose === 'newsletter')!;
    const last = pointsOf(upToNow, 'newsletter').at(-1)!;
    expect(last).toMatchObject({
      given: current.given,
      pending: current.pending,
      withdrawn: current.withdrawn,
      refused: current.refused,
      rate: current.rate,
    });
    expect(last).toMatchObject({ given: 1, withdrawn: 2, refused: 1 });
  });

  it('refuses a bad period with the field at fault, and callers without the permission', async () => {
    const reversed = await t.request({
      url: '/api/v1/compliance/consent-trends?from=2024-03-01&to=2024-01-01',
      as: dpo,
    });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json<{ errors: { field: string }[] }>().errors[0]!.field).toMatch(/to$/);
    const tooMany = await t.request({
      url: '/api/v1/compliance/consent-trends?from=2000-01-01&to=2024-01-01&interval=week',
      as: dpo,
    });
    expect(tooMany.statusCode).toBe(400);
    const badInterval = await t.request({
      url: '/api/v1/compliance/consent-trends?from=2024-01-01&to=2024-02-01&interval=day',
      as: dpo,
    });
    expect(badInterval.statusCode).toBe(400);
    const denied = await t.request({
      url: '/api/v1/compliance/consent-trends?from=2024-01-01&to=2024-02-01',
      as: sales,
    });
    expect(denied.statusCode).toBe(403);
  });
});
