import { type Contact, codeIssues, type DsrRequest, type Problem } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext, uniqueEmail } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { startTestSmtpServer, type TestSmtpServer, textOf } from '../../test/smtp.js';

let smtp: TestSmtpServer;
let t: TestContext;
let dpo: Caller;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestContext({ jobs: true, smtp: smtp.config });
  dpo = await t.login(await t.createUser('dpo'));
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function knownPerson(): Promise<Contact> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/contacts',
    as: dpo,
    body: { firstName: 'Portal', emails: [{ value: uniqueEmail('portal') }] },
  });
  return res.json<Contact>();
}

const file = (body: Record<string, unknown>, remoteAddress?: string) =>
  t.request({
    method: 'POST',
    url: '/api/v1/public/requests',
    body,
    ...(remoteAddress ? { remoteAddress } : {}),
  });
const verify = (id: string, code: string) =>
  t.request({ method: 'POST', url: `/api/v1/public/requests/${id}/verify`, body: { code } });
const codeIn = async (email: string) =>
  textOf(await smtp.mailTo(email)).match(/enter this code: ([0-9]{6})/)![1]!;
const requestAsDpo = async (id: string) =>
  (await t.request({ url: `/api/v1/requests/${id}`, as: dpo })).json<DsrRequest>();

describe('the privacy portal’s requests', () => {
  it('mails a one-time code to an address the CRM holds; the code verifies the request once', async () => {
    const person = await knownPerson();
    const email = person.emails[0]!.value;
    const filed = await file({ type: 'access', email, details: 'What do you hold about me?' });
    expect(filed.statusCode, filed.body).toBe(202);
    const { requestId, message } = filed.json<{ requestId: string; message: string }>();
    expect(message).toContain('If we hold this address');
    expect(await requestAsDpo(requestId)).toMatchObject({
      status: 'verifying',
      channel: 'portal',
      contactId: person.id,
    });
    const code = await codeIn(email);
    const wrong = code === '000000' ? '000001' : '000000';
    expectFieldProblem(await verify(requestId, wrong), 'body.code');
    const ok = await verify(requestId, code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await requestAsDpo(requestId)).toMatchObject({
      status: 'in_progress',
      verificationMethod: 'email_code',
    });
    const again = await verify(requestId, code);
    expect(again.statusCode).toBe(410);
    expect(again.json<Problem>().code).toBe('gone');
    expect(again.json<Problem>().errors).toEqual([{ field: 'body.code', issue: codeIssues.used }]);
  });

  it('records a request from an unknown address without mailing anything, and answers the same', async () => {
    const email = uniqueEmail('unknown');
    const before = smtp.received.length;
    const filed = await file({ type: 'erasure', email });
    expect(filed.statusCode).toBe(202);
    const { requestId, message } = filed.json<{ requestId: string; message: string }>();
    expect(message).toContain('If we hold this address');
    expect(await requestAsDpo(requestId)).toMatchObject({
      status: 'received',
      contactId: null,
      requester: { email },
    });
    // No code exists: any guess is simply wrong.
    expectFieldProblem(await verify(requestId, '123456'), 'body.code');
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.slice(before).some((m) => m.to.includes(email))).toBe(false);
  });

  it('kills a code after five wrong attempts, and refuses an expired one', async () => {
    const person = await knownPerson();
    const email = person.emails[0]!.value;
    const { requestId } = (await file({ type: 'objection', email, purposes: ['profiling'] })).json<{
      requestId: string;
    }>();
    const code = await codeIn(email);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) {
      const answer = await verify(requestId, wrong);
      expect(answer.statusCode).toBe(400);
      expect(answer.json<Problem>().errors).toEqual([{ field: 'body.code', issue: codeIssues.wrong }]);
    }
    const exhausted = await verify(requestId, code);
    expect(exhausted.statusCode).toBe(410);
    expect(exhausted.json<Problem>().errors).toEqual([{ field: 'body.code', issue: codeIssues.tooMany }]);

    const other = await knownPerson();
    const otherEmail = other.emails[0]!.value;
    const second = (await file({ type: 'access', email: otherEmail })).json<{ requestId: string }>();
    const otherCode = await codeIn(otherEmail);
    await t.database.db.execute(
      sql`update request_verifications set expires_at = now() - interval '1 minute' where request_id = ${second.requestId}`,
    );
    const expired = await verify(second.requestId, otherCode);
    expect(expired.statusCode).toBe(410);
    expect(expired.json<Problem>().detail).toContain('expired');
    expect(expired.json<Problem>().errors).toEqual([{ field: 'body.code', issue: codeIssues.expired }]);
  });

  it('sends at most one code per address every ten minutes, stores codes only hashed, and checks input', async () => {
    const person = await knownPerson();
    const email = person.emails[0]!.value;
    await file({ type: 'access', email });
    const code = await codeIn(email);
    await file({ type: 'rectification', email });
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      smtp.received.filter((m) => m.to.includes(email.toLowerCase()) || m.to.includes(email)),
    ).toHaveLength(1);
    const rows = await t.database.db.execute(sql`select v::text as row from request_verifications v`);
    expect(JSON.stringify(rows)).not.toContain(code);
    for (const [body, field] of [
      [{ type: 'access', email: 'nope' }, 'body.email'],
      [{ type: 'gossip', email: uniqueEmail('x') }, 'body.type'],
      [{ type: 'limit_sensitive', email: uniqueEmail('x') }, 'body.regime'],
    ] as const)
      expectFieldProblem(await file(body), field, JSON.stringify(body));
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/public/requests/${person.id}/verify`,
        body: { code: '12' },
      }),
      'body.code',
    );
    expect((await verify('00000000-0000-4000-8000-000000000999', '123456')).statusCode).toBe(404);
    const address = '198.51.100.77';
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await file({ type: 'access', email: uniqueEmail('flood') }, address)).statusCode);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });
});
