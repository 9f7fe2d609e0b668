import type { Contact, Preferences } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import { giveConsent, publishTestNotice } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';

let t: TestContext;
let admin: Caller;
let sales: Caller;
let ann: Contact;
let url: string;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(await t.createUser('admin'));
  sales = await t.login(await t.createUser('sales'));
  const created = await t.request({
    method: 'POST',
    url: '/api/v1/contacts',
    as: admin,
    body: { firstName: 'Ann', emails: [{ value: 'ann@prefs.test' }] },
  });
  ann = created.json<Contact>();
  const notice = await publishTestNotice(t, admin);
  await giveConsent(t, admin, ann.id, 'newsletter', notice);
  const link = await t.request({ url: `/api/v1/contacts/${ann.id}/preference-link`, as: sales });
  expect(link.statusCode, link.body).toBe(200);
  url = link.json<{ url: string }>().url.replace(testAppConfig.publicUrl, '');
  expect(url).toMatch(/^\/privacy\/preferences\?token=p1\./);
});
afterAll(() => t.close());

const token = () => new URL(`http://x${url}`).searchParams.get('token')!;
const prefs = async () => {
  const res = await t.request({ url: `/api/v1/public/preferences?token=${token()}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Preferences>();
};
const of = (p: Preferences, purpose: string) => p.purposes.find((x) => x.purpose === purpose)!;
const change = (changes: unknown[], tok = token()) =>
  t.request({ method: 'POST', url: `/api/v1/public/preferences?token=${tok}`, body: { changes } });

describe('the preference centre', () => {
  it('shows subscriptions and objections per purpose, and changes them through the ledger, without sign-in', async () => {
    const before = await prefs();
    expect(of(before, 'newsletter')).toMatchObject({ choice: 'subscribe', consent: 'given', active: true });
    expect(of(before, 'marketing_email')).toMatchObject({
      choice: 'subscribe',
      consent: 'none',
      active: false,
    });
    expect(of(before, 'marketing_email').notice?.text).toContain('withdraw your consent');
    expect(of(before, 'profiling')).toMatchObject({ choice: 'object', objected: false, active: true });
    // Purposes a contract or the law requires are not choices.
    expect(before.purposes.map((p) => p.purpose)).not.toContain('contract_fulfilment');

    const res = await change([
      { purpose: 'newsletter', subscribed: false },
      { purpose: 'marketing_email', subscribed: true },
      { purpose: 'profiling', objected: true },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json<Preferences>();
    expect(of(after, 'newsletter')).toMatchObject({ consent: 'withdrawn', active: false });
    expect(of(after, 'marketing_email')).toMatchObject({ consent: 'given', active: true });
    expect(of(after, 'profiling')).toMatchObject({ objected: true, active: false });
    const events = await queryRows<{ kind: string; method: string; notice_id: string | null }>(
      t.database.db,
      sql`select kind, method, notice_id from consent_events where method = 'portal' order by occurred_at, kind`,
    );
    expect(events.map((e) => e.kind).sort()).toEqual(['given', 'objected', 'withdrawn']);
    expect(events.find((e) => e.kind === 'given')!.notice_id).not.toBeNull();
    // The same again changes nothing.
    await change([{ purpose: 'newsletter', subscribed: false }]);
    const [count] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from consent_events where method = 'portal'`,
    );
    expect(count!.n).toBe(3);
  });

  it('serves a page with one checkbox per purpose that saves through the same ledger', async () => {
    const basic = url.replace('/privacy/preferences', '/privacy/preferences/basic');
    const page = await t.request({ url: basic });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('name="newsletter"');
    // Tick the newsletter again, withdraw the objection to profiling (ticked = allowed), untick marketing.
    expect(page.body).toContain(`action="${basic.replace('?token=', '?token=')}"`);
    const saved = await t.request({
      method: 'POST',
      url: basic,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'shown=newsletter%2Cmarketing_email%2Cprofiling&newsletter=on&profiling=on',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).toContain('Saved.');
    const now = await prefs();
    expect(of(now, 'newsletter').consent).toBe('given');
    expect(of(now, 'marketing_email').consent).toBe('withdrawn');
    expect(of(now, 'profiling').objected).toBe(false);
  });

  it('refuses a forged or altered link and bad changes, and works no more once the person is erased', async () => {
    const forged = `${token().slice(0, -3)}${token().endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await t.request({ url: `/api/v1/public/preferences?token=${forged}` })).statusCode).toBe(404);
    expect((await t.request({ url: `/privacy/preferences/basic?token=${forged}` })).statusCode).toBe(404);
    expectFieldProblem(
      await change([{ purpose: 'newsletter', objected: true }]),
      'body.changes.0.subscribed',
    );
    expectFieldProblem(await change([{ purpose: 'profiling', subscribed: true }]), 'body.changes.0.objected');
    expectFieldProblem(
      await change([{ purpose: 'contract_fulfilment', subscribed: true }]),
      'body.changes.0.purpose',
    );
    expectFieldProblem(await change([]), 'body.changes');
    const erase = await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${ann.id}/erasure`,
      as: admin,
      body: { reason: 'Asked to be forgotten' },
    });
    expect(erase.statusCode, erase.body).toBeLessThan(300);
    expect((await t.request({ url: `/api/v1/public/preferences?token=${token()}` })).statusCode).toBe(404);
    expect(
      (await t.request({ url: `/api/v1/contacts/${ann.id}/preference-link`, as: sales })).statusCode,
    ).toBe(404);
  });
});
