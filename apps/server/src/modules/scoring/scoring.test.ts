import type {
  Contact,
  DsrRequest,
  IssuedCertificate,
  LeadScore,
  ScoringRule,
  ScoringRun,
  SubjectPackage,
} from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/access.js';
import { indexerFor } from '../../platform/crypto/blind-index.js';
import { queryRows, type Tx, transaction } from '../../platform/db/database.js';
import { publishTestNotice, recordEvent } from '../../test/consent.js';
import { type Caller, createTestContext, type TestContext, testAppConfig } from '../../test/context.js';
import { engine } from '../../test/database.js';
import { expectFieldProblem } from '../../test/problem.js';
import { eraseSubjectsIn } from '../../workflows/erase-subject.js';
import { appendLedgerEvent, emptyProof, type NewLedgerEvent } from '../consents/index.js';
import { subjectKeysFor } from '../subjects/index.js';
import { runLeadScoring, scoreContacts, scoringQueue } from './index.js';

let t: TestContext;
let admin: Caller;
let marketing: Caller;
let readonly: Caller;
let dpo: Caller;
const people: Record<string, Contact> = {};
const rules: Record<string, ScoringRule> = {};
const pipeline = '00000000-0000-4000-8000-000000000001';
const openStage = '00000000-0000-4000-8000-000000000011';

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as: Caller, body?: unknown) {
  const res = await t.request({ method, url, as, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return (res.statusCode === 204 ? null : res.json()) as T;
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

const runIds = async () =>
  new Set(
    (await queryRows<{ id: string }>(t.database.db, sql`select id from scoring_runs`)).map((r) => r.id),
  );
const pendingJobs = async () =>
  (
    await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from pgboss.job
          where name = ${scoringQueue} and state in ('created', 'retry', 'active')`,
    )
  )[0]!.n;

/** Polls until `done` gives a value, for up to a minute (the machine may be busy). */
async function waitFor<T>(what: string, done: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await done();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within a minute`);
}

/** The first run that is not in `before`, once it has finished. */
const finishedRunAfter = (before: Set<string>) =>
  waitFor('the scoring run', async () => {
    const { items } = await call<{ items: ScoringRun[] }>('GET', '/api/v1/scoring/runs?limit=100', admin);
    return items.find((r) => !before.has(r.id) && r.status === 'finished') ?? null;
  });

/** Queues a run through the API and waits for the job to finish that new run. */
async function runScoring(): Promise<ScoringRun> {
  const before = await runIds();
  const res = await t.request({ method: 'POST', url: '/api/v1/scoring/runs', as: marketing });
  expect(res.statusCode, res.body).toBe(202);
  return finishedRunAfter(before);
}

const storedScores = () =>
  queryRows<{ contact_id: string; score: number; rules_version: string }>(
    t.database.db,
    sql`select contact_id, score, rules_version from lead_scores order by contact_id`,
  );
const hasScore = async (name: string) =>
  (await storedScores()).some((s) => s.contact_id === people[name]!.id);
const scoreOf = (name: string, as: Caller = admin, headers: Record<string, string> = {}) =>
  t.request({ url: `/api/v1/contacts/${people[name]!.id}/score`, as, headers });

beforeAll(async () => {
  t = await createTestContext({ jobs: true });
  admin = await t.login(await t.createUser('admin'));
  marketing = await t.login(await t.createUser('marketing'));
  readonly = await t.login(await t.createUser('readonly'));
  dpo = await t.login(await t.createUser('dpo'));
  const make = async (key: string, body: Record<string, unknown>) => {
    people[key] = await call<Contact>('POST', '/api/v1/contacts', admin, { firstName: key, ...body });
  };
  await make('ann', { lifecycleStage: 'lead', tags: ['vip'], jobTitle: 'Buyer', source: 'event' });
  await make('bob', { lifecycleStage: 'lead', tags: ['vip'] });
  await make('cat', { lifecycleStage: 'prospect' });
  await make('dan', { lifecycleStage: 'customer' });
  await make('eve', { lifecycleStage: 'lead', emails: [{ value: 'eve@scoring.test' }] });
  await make('fay', { lifecycleStage: 'lead', tags: ['vip'] });
  await make('gil', { lifecycleStage: 'lead' });
  const activity = (name: string, type: string, days: number) =>
    call('POST', '/api/v1/activities', admin, {
      type,
      occurredAt: daysAgo(days),
      contactIds: [people[name]!.id],
    });
  // Ann: four calls and meetings within 30 days (counted up to three), one call too old, one note.
  for (const [type, days] of [
    ['call', 1],
    ['meeting', 3],
    ['call', 10],
    ['call', 20],
    ['call', 60],
    ['note', 2],
  ] as const)
    await activity('ann', type, days);
  await activity('cat', 'meeting', 5);
  await activity('dan', 'note', 5);
  await call('POST', '/api/v1/deals', admin, {
    title: 'First order',
    pipelineId: pipeline,
    stageId: openStage,
    contactIds: [people.ann!.id],
  });
  const [vip] = await queryRows<{ id: string }>(t.database.db, sql`select id from tags where name = 'vip'`);
  const rule = async (key: string, body: Record<string, unknown>) => {
    rules[key] = await call<ScoringRule>('POST', '/api/v1/scoring/rules', marketing, body);
  };
  await rule('calls', {
    name: 'Recent calls and meetings',
    points: 10,
    condition: { kind: 'activity', types: ['call', 'meeting'], withinDays: 30, maxCount: 3 },
  });
  await rule('lead', {
    name: 'Is a lead',
    points: 5,
    condition: { kind: 'lifecycle_stage', stages: ['lead'] },
  });
  await rule('vip', { name: 'VIP', points: 20, condition: { kind: 'tag', tagIds: [vip!.id] } });
  await rule('title', {
    name: 'Job title known',
    points: 3,
    condition: { kind: 'field_present', field: 'jobTitle' },
  });
  await rule('deal', {
    name: 'Open deal',
    points: 15,
    condition: { kind: 'open_deal', pipelineId: pipeline },
  });
  await rule('event', {
    name: 'Met at an event',
    points: -2,
    condition: { kind: 'source', sources: ['event'] },
  });
  await rule('off', {
    name: 'Switched off',
    points: 100,
    active: false,
    condition: { kind: 'lifecycle_stage', stages: ['lead'] },
  });
  // Before any run: Bob objects (staff API), Cat is restricted.
  await recordEvent(t, admin, people.bob!.id, { kind: 'objected', purpose: 'profiling', method: 'verbal' });
  await recordEvent(t, admin, people.cat!.id, { kind: 'restricted', purpose: 'profiling', method: 'verbal' });
});
afterAll(() => t.close());

describe('lead scoring', () => {
  it('validates rules, naming the field at fault, and lets only managers change them', async () => {
    const create = (body: unknown, as: Caller = marketing) =>
      t.request({ method: 'POST', url: '/api/v1/scoring/rules', as, body });
    const base = { name: 'X', points: 1 };
    expectFieldProblem(
      await create({ ...base, points: 0, condition: { kind: 'source', sources: ['api'] } }),
      'body.points',
    );
    expectFieldProblem(
      await create({ ...base, points: 2.5, condition: { kind: 'source', sources: ['api'] } }),
      'body.points',
    );
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'activity', types: ['call'], withinDays: 0 } }),
      'body.condition.withinDays',
    );
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'activity', types: ['fax'], withinDays: 3 } }),
      'body.condition.types.0',
    );
    expectFieldProblem(await create({ ...base, condition: { kind: 'telepathy' } }), 'body.condition.kind');
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'source', sources: ['api'], extra: 1 } }),
      'body.condition',
    );
    // Never a condition on a field the catalog keeps from profiling, nor a tag that does not exist.
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'field_present', field: 'emails' } }),
      'body.condition.field',
    );
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'field_present', field: 'dateOfBirth' } }),
      'body.condition.field',
    );
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'field_present', field: 'customFields.nothing' } }),
      'body.condition.field',
    );
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'tag', tagIds: ['00000000-0000-4000-8000-000000000000'] } }),
      'body.condition.tagIds',
    );
    expectFieldProblem(
      await create({
        ...base,
        condition: { kind: 'open_deal', stageIds: ['00000000-0000-4000-8000-000000000000'] },
      }),
      'body.condition.stageIds',
    );
    expectFieldProblem(
      await create({
        name: 'Friends of jane.doe@example.test',
        points: 1,
        condition: { kind: 'source', sources: ['api'] },
      }),
      'body.name',
    );
    expect(
      (await create({ ...base, condition: { kind: 'source', sources: ['api'] } }, readonly)).statusCode,
    ).toBe(403);

    // A custom field counts only when it is classified for profiling.
    await call('POST', '/api/v1/custom-fields', admin, {
      entity: 'contact',
      key: 'shoe_size',
      label: 'Shoe size',
      type: 'text',
      category: 'behavioural',
      purposes: ['sales_follow_up'],
    });
    expectFieldProblem(
      await create({ ...base, condition: { kind: 'field_present', field: 'customFields.shoe_size' } }),
      'body.condition.field',
    );

    const made = await call<ScoringRule>('POST', '/api/v1/scoring/rules', marketing, {
      ...base,
      condition: { kind: 'source', sources: ['api'] },
    });
    expect(made).toMatchObject({ active: true, points: 1 });
    const changed = await call<ScoringRule>('PATCH', `/api/v1/scoring/rules/${made.id}`, marketing, {
      points: -4,
    });
    expect(changed.points).toBe(-4);
    expectFieldProblem(
      await t.request({ method: 'PATCH', url: `/api/v1/scoring/rules/${made.id}`, as: marketing, body: {} }),
      'body',
    );
    expect((await call<ScoringRule>('GET', `/api/v1/scoring/rules/${made.id}`, dpo)).name).toBe('X');
    await call('DELETE', `/api/v1/scoring/rules/${made.id}`, marketing);
    expect((await t.request({ url: `/api/v1/scoring/rules/${made.id}`, as: dpo })).statusCode).toBe(404);
    const listed = await call<{ items: ScoringRule[] }>('GET', '/api/v1/scoring/rules', readonly);
    expect(listed.items.map((r) => r.name)).toContain('VIP');
  });

  it('scores only the people the guard allows, with an exact explanation; objectors never', async () => {
    const run = await runScoring();
    expect(run).toMatchObject({ status: 'finished', scored: 5, deleted: 0 });
    expect(run.refused).toEqual({ objection: 1, restriction: 1 });
    const scored = (await storedScores()).map((s) => s.contact_id).sort();
    expect(scored).toEqual(['ann', 'dan', 'eve', 'fay', 'gil'].map((n) => people[n]!.id).sort());

    const ann = (await scoreOf('ann')).json<LeadScore>();
    expect(ann).toMatchObject({ status: 'scored', score: 71, reasons: [], restricted: [] });
    const lines = (ann.explanation as { ruleName: string; points: number; count: number }[]).map((e) => [
      e.ruleName,
      e.points,
      e.count,
    ]);
    expect(lines).toEqual([
      ['Recent calls and meetings', 30, 3],
      ['Is a lead', 5, 1],
      ['VIP', 20, 1],
      ['Job title known', 3, 1],
      ['Open deal', 15, 1],
      ['Met at an event', -2, 1],
    ]);
    expect((await scoreOf('fay')).json<LeadScore>()).toMatchObject({ score: 25 });
    expect((await scoreOf('dan')).json<LeadScore>()).toMatchObject({
      status: 'scored',
      score: 0,
      explanation: [],
    });
    expect((await scoreOf('bob')).json<LeadScore>()).toMatchObject({
      status: 'refused',
      reasons: ['objection'],
      score: null,
    });
    expect((await scoreOf('cat')).json<LeadScore>()).toMatchObject({
      status: 'refused',
      reasons: ['restriction'],
    });

    // The explanation is sealed: the database holds no rule name in it.
    const [raw] = await queryRows<{ explanation: string }>(
      t.database.db,
      sql`select encode(explanation, 'escape') as explanation from lead_scores where contact_id = ${people.ann!.id}`,
    );
    expect(raw!.explanation).not.toContain('VIP');
    // The run's log line has counts only.
    const line = t.logLines.find((l) => l.includes('lead scoring finished'))!;
    expect(line).toContain('"scored":5');
    for (const p of Object.values(people)) expect(line).not.toContain(p.id);
    expect(line).not.toContain('VIP');
  });

  it('runs idempotently: a second run gives the same scores, no duplicates', async () => {
    const before = await storedScores();
    const run = await runScoring();
    expect(run).toMatchObject({ scored: 5, deleted: 0, refused: { objection: 1, restriction: 1 } });
    expect(await storedScores()).toEqual(before);
    const top = await call<{ items: { contactId: string; score: number }[] }>(
      'GET',
      '/api/v1/scoring/scores',
      admin,
    );
    expect(top.items.map((i) => i.score)).toEqual([71, 25, 5, 5, 0]);
  });

  it('gives two requests in a row one run', async () => {
    const before = await runIds();
    for (let i = 0; i < 2; i++) {
      const res = await t.request({ method: 'POST', url: '/api/v1/scoring/runs', as: marketing });
      expect(res.statusCode, res.body).toBe(202);
    }
    await finishedRunAfter(before);
    await waitFor('the queue to empty', async () => ((await pendingJobs()) === 0 ? true : null));
    const after = await runIds();
    expect(after.size - before.size).toBe(1);
  });

  it('keeps batches bounded when many contacts share a creation time, and resumes at that time', async () => {
    const before = await storedScores();
    const instant = new Date('2024-05-01T10:00:00.000Z');
    // As a bulk import leaves them: every contact created at one instant.
    await t.database.db.execute(sql`update contacts set created_at = ${instant}::timestamptz`);
    const { keys } = t;
    const deps = { db: t.database.db, database: t.database, keys, subjects: subjectKeysFor(keys) };
    const ctx = systemContext('test');
    const run = await runLeadScoring({ ...deps, ctx }, { origin: 'api', batchSize: 2 });
    expect(run).toMatchObject({ status: 'finished', batches: 4, scored: 5, skipped: 0 });
    expect(run!.refused).toEqual({ objection: 1, restriction: 1 });
    expect(await storedScores()).toEqual(before);
    // A run cut off after its first batch (its cursor at that instant) resumes with every contact created then.
    await t.database.db.execute(
      sql`insert into scoring_runs (status, origin, as_of, rules_version, rules, cursor_at)
          select 'running', origin, as_of, rules_version, rules, ${instant}::timestamptz
          from scoring_runs where id = ${run!.id}`,
    );
    const resumed = await runLeadScoring({ ...deps, ctx }, { origin: 'api', batchSize: 2 });
    expect(resumed).toMatchObject({ status: 'finished', batches: 4, scored: 5 });
    expect(await storedScores()).toEqual(before);
  });

  it('lists top scores in one bounded pass, deleting the scores of refused people it meets', async () => {
    // Scores kept for people the guard refuses (as if written before the refusal): they rank first.
    await t.database.db.execute(
      sql`insert into lead_scores (contact_id, subject_id, score, rules_version)
          select id, subject_id, 1000, 'stale' from contacts where id in (${people.bob!.id}, ${people.cat!.id})`,
    );
    const top = await call<{ items: { contactId: string; score: number }[] }>(
      'GET',
      '/api/v1/scoring/scores?limit=1',
      admin,
    );
    expect(top.items).toEqual([expect.objectContaining({ contactId: people.ann!.id, score: 71 })]);
    expect(await hasScore('bob')).toBe(false);
    expect(await hasScore('cat')).toBe(false);
  });

  it('masks scores for roles that may not see behavioural data, and audits every read', async () => {
    const masked = (await scoreOf('ann', readonly)).json<LeadScore>();
    expect(masked).toMatchObject({
      status: 'scored',
      score: '[restricted]',
      explanation: '[restricted]',
      restricted: ['score', 'explanation'],
    });
    expect(await call('GET', '/api/v1/scoring/scores', readonly)).toEqual({
      items: [],
      restricted: ['score'],
    });
    // Marketing sees scores when working under the profiling purpose, not under marketing e-mail.
    expect((await scoreOf('ann', marketing)).json<LeadScore>().score).toBe('[restricted]');
    expect((await scoreOf('ann', marketing, { 'x-purpose': 'profiling' })).json<LeadScore>().score).toBe(71);
    const entries = await queryRows<{ subject_ids: string[]; categories: string[]; access: string }>(
      t.database.db,
      sql`select subject_ids, categories, access from audit_entries where action = 'scoring.score.read'
          order by id desc limit 3`,
    );
    expect(entries.map((e) => e.categories)).toEqual([['behavioural'], [], []]);
    expect(entries.every((e) => e.access === 'read' && e.subject_ids.length === 1)).toBe(true);
  });

  it('deletes a score at once when the person objects, by staff, preference centre or request', async () => {
    // Staff API.
    expect(await hasScore('gil')).toBe(true);
    await recordEvent(t, admin, people.gil!.id, { kind: 'objected', purpose: 'profiling', method: 'verbal' });
    expect(await hasScore('gil')).toBe(false);
    expect((await scoreOf('gil')).json<LeadScore>()).toMatchObject({
      status: 'refused',
      reasons: ['objection'],
    });

    // The person's own preference centre, without sign-in.
    expect(await hasScore('eve')).toBe(true);
    const link = await call<{ url: string }>(
      'GET',
      `/api/v1/contacts/${people.eve!.id}/preference-link`,
      admin,
    );
    const token = new URL(link.url.replace(testAppConfig.publicUrl, 'http://x')).searchParams.get('token')!;
    const changed = await t.request({
      method: 'POST',
      url: `/api/v1/public/preferences?token=${token}`,
      body: { changes: [{ purpose: 'profiling', objected: true }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await hasScore('eve')).toBe(false);

    // A data-subject request for an objection, fulfilled.
    expect(await hasScore('fay')).toBe(true);
    const request = await call<DsrRequest>('POST', '/api/v1/requests', dpo, {
      type: 'objection',
      contactId: people.fay!.id,
      purposes: ['profiling'],
    });
    await call('POST', `/api/v1/requests/${request.id}/verify`, dpo, { method: 'id_document' });
    await call('POST', `/api/v1/requests/${request.id}/fulfil`, dpo, {});
    expect(await hasScore('fay')).toBe(false);

    // Scoring one of them on demand scores nobody; the next run neither.
    expect(
      (await call<LeadScore>('POST', `/api/v1/contacts/${people.fay!.id}/score`, marketing)).status,
    ).toBe('refused');
    const run = await runScoring();
    expect(run).toMatchObject({ scored: 2, refused: { objection: 4, restriction: 1 }, deleted: 0 });
    expect((await storedScores()).map((s) => s.contact_id).sort()).toEqual(
      [people.ann!.id, people.dan!.id].sort(),
    );
    // Withdrawing the objection lets the person be scored again, on demand.
    await recordEvent(t, admin, people.gil!.id, {
      kind: 'objection_withdrawn',
      purpose: 'profiling',
      method: 'verbal',
    });
    // (An administrator works under sales follow-up, for which scores may be read.)
    expect(await call<LeadScore>('POST', `/api/v1/contacts/${people.gil!.id}/score`, admin)).toMatchObject({
      status: 'scored',
      score: 5,
    });
  });

  it('puts the score, its explanation and the logic involved in the access package', async () => {
    const request = await call<DsrRequest>('POST', '/api/v1/requests', dpo, {
      type: 'access',
      contactId: people.ann!.id,
    });
    await call('POST', `/api/v1/requests/${request.id}/verify`, dpo, { method: 'id_document' });
    await call('POST', `/api/v1/requests/${request.id}/fulfil`, dpo, {});
    const pkg = await call<SubjectPackage>('GET', `/api/v1/requests/${request.id}/package/preview`, dpo);
    expect(pkg.profiling).toMatchObject({
      purpose: { key: 'profiling', lawfulBasis: 'legitimate_interests', automatedDecisions: false },
      allowedNow: true,
      score: { score: 71 },
    });
    expect(pkg.profiling!.score!.explanation).toContainEqual({ rule: 'VIP', points: 20, count: 1 });
    expect(pkg.profiling!.logic.rules.map((r) => [r.name, r.points])).toEqual([
      ['Recent calls and meetings', 10],
      ['Is a lead', 5],
      ['VIP', 20],
      ['Job title known', 3],
      ['Open deal', 15],
      ['Met at an event', -2],
    ]);
    expect(pkg.profiling!.logic.rules[2]!.condition).toContain('vip');
    expect(pkg.profiling!.logic.rules[0]!.condition).toContain('up to 3 times');
    expect(pkg.profiling!.logic.rightToObject).toContain('object');
    expect(pkg.profiling!.logic.significance.length).toBeGreaterThan(20);
    expect(pkg.person.fields.map((f) => f.field)).toContain('firstName');
  });

  it('deletes the score at once when the basis becomes consent and the person withdraws', async () => {
    const changed = await t.request({
      method: 'PATCH',
      url: '/api/v1/purposes/profiling',
      as: dpo,
      body: { lawfulBasis: 'consent' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // Nobody has consented yet: every stored score went with the change, audited, without waiting for a run.
    expect(await storedScores()).toEqual([]);
    const [forgotten] = await queryRows<{ subject_ids: string[] }>(
      t.database.db,
      sql`select subject_ids from audit_entries where action = 'scoring.score.delete' order by id desc limit 1`,
    );
    expect(forgotten!.subject_ids).toHaveLength(3);
    const notice = await publishTestNotice(t, dpo, { key: 'scoring-notice', purposes: ['profiling'] });
    await recordEvent(t, admin, people.dan!.id, {
      kind: 'given',
      purpose: 'profiling',
      noticeId: notice.id,
      language: 'en',
      method: 'paper',
    });
    const run = await runScoring();
    // Only Dan consented: everyone else is refused for lack of consent (their scores were already gone).
    expect(run).toMatchObject({ scored: 1, deleted: 0 });
    expect(run.refused.no_consent).toBe(6);
    expect((await storedScores()).map((s) => s.contact_id)).toEqual([people.dan!.id]);
    await recordEvent(t, admin, people.dan!.id, { kind: 'withdrawn', purpose: 'profiling', method: 'paper' });
    expect(await hasScore('dan')).toBe(false);
    await call('PATCH', '/api/v1/purposes/profiling', dpo, { lawfulBasis: 'legitimate_interests' });
  });

  it('leaves no score behind an erasure', async () => {
    await call<LeadScore>('POST', `/api/v1/contacts/${people.ann!.id}/score`, marketing);
    expect(await hasScore('ann')).toBe(true);
    const erased = await call<IssuedCertificate>('POST', `/api/v1/contacts/${people.ann!.id}/erasure`, dpo, {
      reason: 'Asked to be forgotten',
    });
    expect(erased.certificate.tables).toContainEqual({ table: 'lead_scores', action: 'deleted', rows: 1 });
    expect(await hasScore('ann')).toBe(false);
    expect((await scoreOf('ann')).statusCode).toBe(404);

    // The retention sweep's batch path, with its verification that nothing is left.
    for (const name of ['dan', 'gil'])
      await call('POST', `/api/v1/contacts/${people[name]!.id}/score`, admin);
    expect((await hasScore('dan')) && (await hasScore('gil'))).toBe(true);
    const { keys } = t;
    const deps = { db: t.database.db, keys, subjects: subjectKeysFor(keys), indexer: indexerFor(keys) };
    const issued = await transaction(t.database.db, (tx) =>
      eraseSubjectsIn(
        tx,
        deps,
        systemContext('retention'),
        ['dan', 'gil'].map((n) => ({
          contactId: people[n]!.id,
          reason: 'retention policy',
          requestId: null,
        })),
      ),
    );
    expect(issued.map((i) => i.certificate.verification.hits)).toEqual([0, 0]);
    expect(await storedScores()).toEqual([]);
  });

  // Two transactions at once need two connections: PGlite has one, so this runs on PostgreSQL.
  describe.runIf(engine === 'postgres')('an objection racing a scoring batch', () => {
    const subjects = () => subjectKeysFor(t.keys);
    const newPerson = async (name: string) => {
      const contact = await call<Contact>('POST', '/api/v1/contacts', admin, { firstName: name });
      const [row] = await queryRows<{ subject_id: string }>(
        t.database.db,
        sql`select subject_id from contacts where id = ${contact.id}`,
      );
      return { contactId: contact.id, subjectId: row!.subject_id };
    };
    const objectionOf = (subjectId: string): NewLedgerEvent => ({
      subjectId,
      kind: 'objected',
      purpose: 'profiling',
      noticeId: null,
      language: null,
      method: 'verbal',
      occurredAt: new Date(),
      actor: { type: 'system', id: null },
      relatesTo: null,
      conflictsWith: null,
      mergedFrom: null,
      proof: emptyProof,
    });
    const scoreBatch = (tx: Tx, contactId: string) =>
      scoreContacts(tx, subjects(), {
        contactIds: [contactId],
        rules: [],
        rulesVersion: 'race',
        asOf: new Date(),
      });
    const scoreRow = async (contactId: string) =>
      (await queryRows(t.database.db, sql`select 1 from lead_scores where contact_id = ${contactId}`)).length;
    const opened = () => {
      let open!: () => void;
      const signal = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { signal, open };
    };

    it('the objection waits for a batch that has written the score, then deletes it', async () => {
      const person = await newPerson('hal');
      const written = opened();
      const release = opened();
      const batch = transaction(t.database.db, async (tx) => {
        const done = await scoreBatch(tx, person.contactId);
        written.open();
        await release.signal;
        return done;
      });
      await written.signal;
      let objected = false;
      const objection = transaction(t.database.db, (tx) =>
        appendLedgerEvent(tx, subjects(), objectionOf(person.subjectId)),
      ).then(() => {
        objected = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(objected).toBe(false);
      release.open();
      expect((await batch).scored).toHaveLength(1);
      await objection;
      expect(await scoreRow(person.contactId)).toBe(0);
    });

    it('a batch leaves out a person whose objection is being recorded', async () => {
      const person = await newPerson('ivy');
      const appended = opened();
      const release = opened();
      const objection = transaction(t.database.db, async (tx) => {
        await appendLedgerEvent(tx, subjects(), objectionOf(person.subjectId));
        appended.open();
        await release.signal;
      });
      await appended.signal;
      const done = await transaction(t.database.db, (tx) => scoreBatch(tx, person.contactId));
      expect(done).toMatchObject({ scored: [], skipped: [person.contactId] });
      release.open();
      await objection;
      expect(await scoreRow(person.contactId)).toBe(0);
    });
  });
});
