import type { Activity, ScannerFinding, Task } from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as: Caller, body?: unknown) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.statusCode === 204 ? null : res.json()) as T;
}
const findings = async (status = 'open') =>
  (await call<{ items: ScannerFinding[] }>('GET', `/api/v1/scanner/findings?status=${status}&limit=200`, dpo))
    .items;
const of = (items: ScannerFinding[], id: string) => items.filter((f) => f.entityId === id);

const iban = 'DE89 3704 0044 0532 0130 00';

describe('scanning free text as it is written', () => {
  it('flags personal data by kind and place, lets the DPO redact or dismiss it, and never logs the value', async () => {
    const contact = await call<{ id: string }>('POST', '/api/v1/contacts', sales, { firstName: 'Dora' });
    const note = await call<Activity>('POST', '/api/v1/activities', sales, {
      type: 'note',
      contactIds: [contact.id],
      subject: 'Refund',
      body: `Refund to ${iban}; she mentioned her diabetes.`,
    });
    expect(of(await findings(), note.id)).toEqual([
      expect.objectContaining({
        entity: 'activity',
        field: 'body',
        kinds: ['health', 'iban'],
        status: 'open',
      }),
    ]);
    expect((await t.request({ url: '/api/v1/scanner/findings', as: sales })).statusCode).toBe(403);

    // Redacting the IBAN only: the text loses it; the health mention stays, open for review.
    const finding = of(await findings(), note.id)[0]!;
    const redacted = await call<ScannerFinding>(
      'POST',
      `/api/v1/scanner/findings/${finding.id}/redact`,
      dpo,
      {
        kinds: ['iban'],
      },
    );
    expect(redacted).toMatchObject({ status: 'redacted', reviewedAt: expect.any(String) });
    const after = await call<Activity>('GET', `/api/v1/activities/${note.id}`, sales);
    expect(after.body).toBe('Refund to [redacted]; she mentioned her diabetes.');
    const left = of(await findings(), note.id);
    expect(left).toEqual([expect.objectContaining({ field: 'body', kinds: ['health'], status: 'open' })]);
    const dismissed = await call<ScannerFinding>(
      'POST',
      `/api/v1/scanner/findings/${left[0]!.id}/dismiss`,
      dpo,
      {},
    );
    expect(dismissed.status).toBe('dismissed');
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/scanner/findings/${left[0]!.id}/dismiss`,
          as: dpo,
          body: {},
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/scanner/findings/${left[0]!.id}/redact`,
          as: sales,
          body: {},
        })
      ).statusCode,
    ).toBe(403);

    // Editing the text away removes the finding; a changed kind reopens one.
    await call('PATCH', `/api/v1/activities/${note.id}`, sales, { body: 'Refund done.' });
    expect(of(await findings(), note.id)).toEqual([]);
    await call('PATCH', `/api/v1/activities/${note.id}`, sales, { body: 'Call back on +49 30 1234567.' });
    expect(of(await findings(), note.id).map((f) => f.kinds)).toEqual([['phone']]);
    // Deleting the record takes its findings with it.
    await call('DELETE', `/api/v1/activities/${note.id}`, sales);
    expect(of(await findings(), note.id)).toEqual([]);

    const task = await call<Task>('POST', '/api/v1/tasks', sales, {
      title: 'Mail the offer to ann@example.test',
    });
    expect(of(await findings(), task.id)).toEqual([
      expect.objectContaining({ entity: 'task', field: 'title', kinds: ['email'] }),
    ]);
    const taskFinding = of(await findings(), task.id)[0]!;
    await call('POST', `/api/v1/scanner/findings/${taskFinding.id}/redact`, dpo, {});
    expect((await call<Task>('GET', `/api/v1/tasks/${task.id}`, sales)).title).toBe(
      'Mail the offer to [redacted]',
    );

    expect(t.logLines.join('\n')).not.toContain('3704 0044');
    expect(t.logLines.join('\n')).not.toContain('diabetes');
  });

  it('answers bad input with the field at fault', async () => {
    const res = await t.request({ url: '/api/v1/scanner/findings?status=maybe', as: dpo });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('querystring.status');
    const unknown = await t.request({
      method: 'POST',
      url: '/api/v1/scanner/findings/00000000-0000-4000-8000-000000000000/redact',
      as: dpo,
      body: { kinds: ['nonsense'] },
    });
    expect(unknown.statusCode).toBe(400);
  });
});
