import type {
  Contact,
  Deal,
  IssuedCertificate,
  LegalHold,
  Pipeline,
  RetentionPolicy,
  RetentionPreview,
} from '@custodian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';

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
const person = (firstName: string) =>
  call<Contact>('POST', '/api/v1/contacts', sales, {
    firstName,
    lastName: `${firstName}son`,
    emails: [{ value: `${firstName.toLowerCase()}@example.test` }],
  });

describe('legal holds on a case', () => {
  it('hold everyone in the deal, now or added later, through erasure and retention, until lifted', async () => {
    const pipeline = (await call<{ items: Pipeline[] }>('GET', '/api/v1/pipelines', sales)).items[0]!;
    const ann = await person('Ann');
    const ben = await person('Ben');
    const deal = await call<Deal>('POST', '/api/v1/deals', sales, {
      title: 'Disputed delivery',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      contactIds: [ann.id],
    });
    const hold = await call<LegalHold>('POST', `/api/v1/deals/${deal.id}/legal-holds`, dpo, {
      ground: 'legal_claims',
      purpose: 'legal_obligation',
      fields: ['lastName', 'emails'],
      reference: 'Court case 2026-3',
    });
    expect(hold).toMatchObject({ contactId: null, dealId: deal.id, active: true });
    expect(
      (await call<{ items: LegalHold[] }>('GET', `/api/v1/deals/${deal.id}/legal-holds`, dpo)).items,
    ).toHaveLength(1);
    // Ben joins the case later: the hold covers him too.
    await call('PATCH', `/api/v1/deals/${deal.id}`, sales, { contactIds: [ann.id, ben.id] });
    expect(
      (await call<{ items: LegalHold[] }>('GET', `/api/v1/contacts/${ben.id}/legal-holds`, dpo)).items.map(
        (h) => h.id,
      ),
    ).toEqual([hold.id]);

    // The case cannot be deleted while it holds.
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/deals/${deal.id}`, as: sales })).statusCode,
    ).toBe(409);

    // Retention leaves them alone and says so.
    const policy = await call<RetentionPolicy>('POST', '/api/v1/retention/policies', dpo, {
      name: 'Everyone after a day',
      target: 'contact',
      trigger: 'created',
      period: { amount: 1, unit: 'days' },
      action: 'crypto_shred',
      enabled: false,
    });
    const preview = await call<RetentionPreview>('POST', '/api/v1/retention/preview', dpo, {
      policyIds: [policy.id],
      asOf: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    });
    expect(preview.items.map((i) => i.id)).not.toContain(ann.id);
    expect(preview.items.map((i) => i.id)).not.toContain(ben.id);
    expect(preview.policies[0]!.held).toBe(2);

    // Erasing Ann keeps the held fields and her place in the case.
    const issued = await call<IssuedCertificate>('POST', `/api/v1/contacts/${ann.id}/erasure`, dpo, {
      reason: 'Ticket 31',
    });
    expect(issued.certificate.outcome).toBe('erased_except_held');
    expect(issued.certificate.kept.map((k) => k.what)).toEqual([
      'contact fields',
      'deal links',
      'consent ledger',
    ]);
    const kept = await call<Contact>('GET', `/api/v1/contacts/${ann.id}`, dpo);
    expect(kept).toMatchObject({
      firstName: null,
      lastName: 'Annson',
      emails: [{ value: 'ann@example.test' }],
    });
    expect((await call<Deal>('GET', `/api/v1/deals/${deal.id}`, sales)).contactIds).toContain(ann.id);

    // Lifted: the deal may go, and erasing again removes the rest.
    await call('POST', `/api/v1/legal-holds/${hold.id}/lift`, dpo, {});
    const again = await call<IssuedCertificate>('POST', `/api/v1/contacts/${ann.id}/erasure`, dpo, {
      reason: 'Ticket 32',
    });
    expect(again.certificate.outcome).toBe('erased');
    await call('DELETE', `/api/v1/deals/${deal.id}`, sales);
  });

  it('answers bad input with problem+json', async () => {
    const pipeline = (await call<{ items: Pipeline[] }>('GET', '/api/v1/pipelines', sales)).items[0]!;
    const deal = await call<Deal>('POST', '/api/v1/deals', sales, {
      title: 'Another',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
    });
    const body = {
      ground: 'legal_claims',
      purpose: 'legal_obligation',
      fields: ['lastName'],
      reference: 'Case 9',
    };
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/deals/${deal.id}/legal-holds`,
        as: dpo,
        body: { ...body, ground: 'whim' },
      }),
      'body.ground',
    );
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `/api/v1/deals/${deal.id}/legal-holds`,
        as: dpo,
        body: { ...body, reference: 'Claim of ben@example.test' },
      }),
      'body.reference',
    );
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/deals/${crypto.randomUUID()}/legal-holds`,
          as: dpo,
          body,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.request({ method: 'POST', url: `/api/v1/deals/${deal.id}/legal-holds`, as: sales, body }))
        .statusCode,
    ).toBe(403);
  });
});
