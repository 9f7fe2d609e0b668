import type { Contact, Dpia, DpiaScreening } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/access.js';
import { type Caller, createTestContext, type TestContext } from '../../test/context.js';
import { expectFieldProblem } from '../../test/problem.js';
import { screenPurposes } from './screening.js';

let t: TestContext;
let dpo: Caller;
let admin: Caller;
let sales: Caller;
beforeAll(async () => {
  t = await createTestContext();
  dpo = await t.login(await t.createUser('dpo'));
  admin = await t.login(await t.createUser('admin'));
  sales = await t.login(await t.createUser('sales'));
});
afterAll(() => t.close());

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
const screening = () => call<DpiaScreening>('GET', '/api/v1/dpias/screening', dpo);
const of = (s: DpiaScreening, purpose: string) => s.purposes.find((p) => p.purpose === purpose)!;

const scoringRisks = [
  {
    description: 'Leads are ranked unfairly from incomplete interaction data',
    likelihood: 3,
    severity: 3,
    measures: ['Scores are explained', 'Objection stops scoring at once'],
    residualLikelihood: 2,
    residualSeverity: 2,
  },
  {
    description: 'Scores leak to third parties through exports',
    likelihood: 2,
    severity: 4,
    measures: ['Exports leave scores out'],
    residualLikelihood: 1,
    residualSeverity: 4,
  },
];

describe('DPIA screening', () => {
  it('reads the criteria off the purposes, custom fields, consents and scanner findings', async () => {
    const before = await screening();
    // Lead scoring profiles people from their behaviour: two criteria.
    expect(of(before, 'profiling')).toMatchObject({ recommendation: 'required', covered: false });
    expect(of(before, 'profiling').criteria.map((c) => c.criterion)).toEqual([
      'evaluation_or_scoring',
      'systematic_monitoring',
    ]);
    expect(of(before, 'newsletter')).toMatchObject({ recommendation: 'not_indicated', criteria: [] });
    // Answering requests touches every category, but the law requires it (Art. 35(10)).
    expect(of(before, 'data_subject_rights')).toMatchObject({ recommendation: 'proposed' });
    expect(of(before, 'data_subject_rights').note).toMatch(/35\(10\)/);
    expect(of(before, 'customer_support')).toMatchObject({ recommendation: 'not_indicated' });

    // A special-category custom field used for support makes it sensitive processing.
    await call('POST', '/api/v1/custom-fields', admin, {
      entity: 'contact',
      key: 'allergies',
      label: 'Allergies',
      type: 'text',
      category: 'special',
      specialKind: 'health',
      purposes: ['customer_support'],
    });
    const sensitive = of(await screening(), 'customer_support');
    expect(sensitive.recommendation).toBe('proposed');
    expect(sensitive.criteria).toEqual([
      { criterion: 'sensitive_data', evidence: expect.stringContaining('contact.allergies') },
    ]);

    // Health data written into a note, never classified: linked from every purpose that uses notes.
    const [contact] = await Promise.all([
      call<Contact>('POST', '/api/v1/contacts', sales, { firstName: 'Nora' }),
    ]);
    await call('POST', '/api/v1/activities', sales, {
      type: 'note',
      body: 'She told us about her diabetes diagnosis',
      contactIds: [contact!.id],
    });
    const after = await screening();
    expect(of(after, 'sales_follow_up').scannerFindings.open).toBe(1);
    expect(of(after, 'sales_follow_up').recommendation).toBe('proposed');
    expect(of(after, 'newsletter').scannerFindings.open).toBe(0);

    // Scale: counted per purpose (consent purposes count given consents only).
    const small = await screenPurposes({
      db: t.database.db,
      keys: t.keys,
      ctx: systemContext('test'),
      timeZone: 'Europe/Berlin',
      largeScaleThreshold: 1,
      publicUrl: 'http://crm.test',
    });
    expect(of(small, 'analytics').criteria.map((c) => c.criterion)).toEqual([
      'large_scale',
      'systematic_monitoring',
    ]);
    expect(of(small, 'analytics').recommendation).toBe('required');
    expect(of(small, 'newsletter').people).toBe(0);
    expect(of(small, 'newsletter').criteria).toEqual([]);
  });
});

describe('an impact assessment', () => {
  it('rates risks on a matrix, needs the DPO’s advice and Art. 36 consultation before sign-off', async () => {
    const created = await call<Dpia>('POST', '/api/v1/dpias', admin, {
      title: 'Lead scoring',
      purposes: ['profiling'],
      description: 'Leads get points from job title and interactions',
      risks: scoringRisks,
    });
    expect(created.status).toBe('draft');
    expect(created.risks.map((r) => [r.level, r.residualLevel])).toEqual([
      ['very_high', 'medium'],
      ['high', 'medium'],
    ]);
    expect(created.matrix.inherent[2]![2]).toBe(1);
    expect(created.matrix.inherent[1]![3]).toBe(1);
    expect(created.matrix.residual[1]![1]).toBe(1);
    expect(created.matrix.residual[0]![3]).toBe(1);
    expect(created).toMatchObject({ residualRisk: 'medium', priorConsultationRequired: false });

    const url = `/api/v1/dpias/${created.id}`;
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const early = await t.request({
      method: 'POST',
      url: `${url}/sign-off`,
      as: admin,
      body: { reviewAt: tomorrow },
    });
    for (const field of ['necessity', 'proportionality', 'dpoAdvice'])
      expectFieldProblem(early, field, field);
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `${url}/sign-off`,
        as: admin,
        body: { reviewAt: '2020-01-01' },
      }),
      'body.reviewAt',
    );
    await call('PATCH', url, admin, {
      necessity: 'Sales cannot follow up every lead; scoring prioritises',
      proportionality:
        'Only job title and interaction counts; no special categories; scores deleted on objection',
    });
    // The advice is the DPO's own: an administrator cannot give it.
    const notDpo = await t.request({
      method: 'POST',
      url: `${url}/dpo-advice`,
      as: admin,
      body: { text: 'Fine' },
    });
    expect(notDpo.statusCode).toBe(403);
    expectFieldProblem(
      await t.request({
        method: 'POST',
        url: `${url}/dpo-advice`,
        as: dpo,
        body: { text: 'Drop exports', followed: false },
      }),
      'body.reason',
    );
    await call('POST', `${url}/dpo-advice`, dpo, { text: 'Proceed; review the weights yearly' });
    const signed = await call<Dpia>('POST', `${url}/sign-off`, admin, { reviewAt: tomorrow });
    expect(signed).toMatchObject({ status: 'signed_off', reviewAt: tomorrow, reviewDue: false });
    expect(signed.dpoAdvice).toMatchObject({ text: 'Proceed; review the weights yearly', followed: true });
    expect(of(await screening(), 'profiling')).toMatchObject({ covered: true });

    // A high residual risk: the authority must be consulted first (Art. 36).
    const risky = await call<Dpia>('PATCH', url, admin, {
      risks: [{ ...scoringRisks[1]!, residualLikelihood: 3, residualSeverity: 3 }],
    });
    // Changed facts void the advice and the sign-off.
    expect(risky).toMatchObject({
      status: 'draft',
      dpoAdvice: null,
      signedOff: null,
      residualRisk: 'very_high',
    });
    expect(risky.priorConsultationRequired).toBe(true);
    expect(of(await screening(), 'profiling')).toMatchObject({ covered: false });
    await call('POST', `${url}/dpo-advice`, dpo, { text: 'Consult the authority' });
    expectFieldProblem(
      await t.request({ method: 'POST', url: `${url}/sign-off`, as: admin, body: { reviewAt: tomorrow } }),
      'body.priorConsultation',
    );
    const consulted = await call<Dpia>('POST', `${url}/sign-off`, dpo, {
      reviewAt: tomorrow,
      priorConsultation: { at: new Date().toISOString(), reference: 'LfDI-2026-117' },
    });
    expect(consulted).toMatchObject({
      status: 'signed_off',
      priorConsultation: { reference: 'LfDI-2026-117' },
    });

    // The review date passes: the assessment no longer covers the purpose.
    await t.database.db.execute(sql`update dpias set review_at = '2026-01-01' where id = ${created.id}`);
    expect(await call<Dpia>('GET', url, dpo)).toMatchObject({ reviewDue: true });
    expect(of(await screening(), 'profiling')).toMatchObject({ covered: false });
    expect((await call<{ items: Dpia[] }>('GET', '/api/v1/dpias', dpo)).items.map((d) => d.id)).toContain(
      created.id,
    );
  });

  it('answers bad input with problem+json naming the field, and refuses sales', async () => {
    const bad = (body: unknown) => t.request({ method: 'POST', url: '/api/v1/dpias', as: admin, body });
    expectFieldProblem(await bad({ title: 'X', purposes: [] }), 'body.purposes');
    expectFieldProblem(await bad({ title: 'X', purposes: ['telepathy'] }), 'body.purposes.0');
    expectFieldProblem(
      await bad({ title: 'X', purposes: ['profiling'], risks: [{ ...scoringRisks[0], likelihood: 5 }] }),
      'body.risks.0.likelihood',
    );
    expectFieldProblem(
      await bad({
        title: 'X',
        purposes: ['profiling'],
        risks: [{ ...scoringRisks[0], description: 'Mails to jane.doe@example.test leak' }],
      }),
      'body.risks.0.description',
    );
    expect((await t.request({ url: '/api/v1/dpias/screening', as: sales })).statusCode).toBe(403);
    expect((await t.request({ url: '/api/v1/dpias', as: sales })).statusCode).toBe(403);
    const missing = await t.request({ url: '/api/v1/dpias/00000000-0000-4000-8000-000000000000', as: dpo });
    expect(missing.statusCode).toBe(404);
    expectFieldProblem(await t.request({ url: '/api/v1/dpias/not-an-id', as: dpo }), 'params.id');
  });
});
