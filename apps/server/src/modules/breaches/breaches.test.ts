import type { Breach } from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../platform/mail.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';
import { sendBreachReminders } from './reminders.js';

let t: TestContext;
let smtp: TestSmtpServer;
let dpo: Caller;
let dpoEmail: string;
let sales: Caller;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext();
  const user = await t.createUser('dpo');
  dpoEmail = user.email;
  dpo = await t.login(user);
  sales = await t.login(await t.createUser('sales'));
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function call<T>(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  as: Caller,
  body?: unknown,
): Promise<T> {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<T>();
}
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const record = (body: Record<string, unknown> = {}) =>
  call<Breach>('POST', '/api/v1/breaches', dpo, {
    title: 'Laptop stolen',
    nature: 'An unencrypted export on a stolen laptop',
    detectedAt: hoursAgo(30),
    awareAt: hoursAgo(26),
    categories: ['identity', 'contact'],
    peopleApprox: 1200,
    risk: 'high',
    ...body,
  });

describe('the breach register', () => {
  it('runs the 72-hour clock from awareness, across daylight saving changes', async () => {
    const b = await record();
    expect(b).toMatchObject({ authorityDecision: 'pending', overdue: false, peopleDecisionDue: true });
    expect(b.hoursLeft).toBeCloseTo(46, 0);
    // Berlin moves to summer time on 29 March 2026: 72 hours from 10:00 on the 28th end at 11:00 on the 31st.
    const spring = await record({ detectedAt: '2026-03-28T08:00:00Z', awareAt: '2026-03-28T09:00:00Z' });
    expect(spring.authorityDeadline).toBe('2026-03-31T09:00:00.000Z');
    expect(spring.authorityDeadlineLocal).toBe('2026-03-31 11:00 Europe/Berlin (+02:00)');
    // And back on 25 October: from 10:00 on the 24th to 09:00 on the 27th.
    const autumn = await record({ detectedAt: '2026-10-24T07:00:00Z', awareAt: '2026-10-24T08:00:00Z' });
    expect(autumn.authorityDeadlineLocal).toBe('2026-10-27 09:00 Europe/Berlin (+01:00)');
    expect(autumn.overdue).toBe(true);
    expect(autumn.hoursLeft).toBeLessThan(0);
  });

  it('records the decisions as Art. 33 and 34 require', async () => {
    const b = await record();
    const bad = (body: Record<string, unknown>) =>
      t.request({ method: 'PATCH', url: `/api/v1/breaches/${b.id}`, as: dpo, body });
    expectFieldProblem(await bad({ authorityDecision: 'notified' }), 'body.authorityNotifiedAt');
    expectFieldProblem(
      await bad({ authorityDecision: 'not_required', decisionReason: 'Encrypted' }),
      'body.authorityDecision',
    );
    expectFieldProblem(await bad({ peopleDecision: 'not_required' }), 'body.peopleException');
    expectFieldProblem(await bad({ closed: true }), 'body.closed');
    expectFieldProblem(await bad({ nature: 'Sent to ann.other@example.test by mistake' }), 'body.nature');
    const notified = await call<Breach>('PATCH', `/api/v1/breaches/${b.id}`, dpo, {
      authorityDecision: 'notified',
      authorityNotifiedAt: new Date().toISOString(),
      authorityReference: 'BfDI-2026-0042',
      peopleDecision: 'not_required',
      peopleException: 'unintelligible',
      closed: true,
    });
    expect(notified).toMatchObject({ hoursLeft: null, overdue: false, peopleDecisionDue: false });
    expect(notified.closedAt).not.toBeNull();

    // Late: the reason for the delay is required.
    const late = await record({ detectedAt: hoursAgo(100), awareAt: hoursAgo(90) });
    expect(late.overdue).toBe(true);
    expectFieldProblem(
      await t.request({
        method: 'PATCH',
        url: `/api/v1/breaches/${late.id}`,
        as: dpo,
        body: { authorityDecision: 'notified', authorityNotifiedAt: new Date().toISOString() },
      }),
      'body.delayReason',
    );
    await call('PATCH', `/api/v1/breaches/${late.id}`, dpo, {
      authorityDecision: 'notified',
      authorityNotifiedAt: new Date().toISOString(),
      delayReason: 'The scope was only known after the forensic report',
    });
    // Every breach is documented, even one not notified (Art. 33(5)).
    const minor = await record({ risk: 'unlikely', title: 'Mail to wrong colleague' });
    await call('PATCH', `/api/v1/breaches/${minor.id}`, dpo, {
      authorityDecision: 'not_required',
      decisionReason: 'Internal recipient, deleted at once',
      closed: true,
    });
    const all = await call<{ items: Breach[] }>('GET', '/api/v1/breaches', dpo);
    expect(all.items.map((x) => x.id)).toEqual(expect.arrayContaining([b.id, late.id, minor.id]));
    expect((await t.request({ url: '/api/v1/breaches', as: sales })).statusCode).toBe(403);
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: '/api/v1/breaches',
        as: dpo,
        body: { title: 'x', risk: 'maybe' },
      }),
      'body.nature',
    );
  });

  it('mails the DPOs as the clock runs down, once per step, without anything about people', async () => {
    const mailer = createMailer(smtp.config)!;
    const deps = {
      db: t.database.db,
      keys: t.keys,
      mailer,
      settings: { publicUrl: 'http://crm.test', timeZone: 'Europe/Berlin' },
    };
    const b = await record({ title: 'Misdirected export', awareAt: hoursAgo(30), detectedAt: hoursAgo(31) });
    const before = smtp.received.length;
    await sendBreachReminders(deps);
    const mine = () =>
      smtp.received.slice(before).filter((m) => m.to.includes(dpoEmail) && m.data.includes(b.id));
    expect(mine()).toHaveLength(1);
    expect(textOf(mine()[0]!)).toContain('Misdirected export');
    await sendBreachReminders(deps); // same step: nothing more
    expect(mine()).toHaveLength(1);
    await sendBreachReminders(deps, new Date(Date.now() + 20 * 3_600_000)); // under 24 hours left
    await sendBreachReminders(deps, new Date(Date.now() + 50 * 3_600_000)); // run out
    expect(mine()).toHaveLength(3);
    expect(textOf(mine()[2]!)).toContain('which has passed: notify it now');
  });
});
