import { eventKinds, subjectFlagKinds } from '@custodian/contracts';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../../platform/db/database.js';
import { publishTestNotice } from '../../test/consent.js';
import { createTestContext, type TestContext } from '../../test/context.js';
import { type SubjectKeyStore, subjectKeysFor } from '../subjects/index.js';
import { applyToPurpose, type LedgerEvent, replayLedger } from './ledger.js';
import {
  appendLedgerEvent,
  emptyProof,
  findChoices,
  findLedger,
  findPurposeStates,
  purposeStateOf,
  rebuildSubjectState,
} from './repository.js';
import { consentStates } from './schema.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
let seq = 0;
const event = (kind: LedgerEvent['kind'], extra: Partial<LedgerEvent> = {}): LedgerEvent => ({
  id: `e${++seq}`,
  seq,
  kind,
  purpose: 'newsletter',
  noticeId: 'n1',
  relatesTo: null,
  occurredAt: at(seq),
  minor: false,
  hasParentalConsent: false,
  ...extra,
});
const fold = (events: LedgerEvent[]) => events.reduce(applyToPurpose, null as never);

describe('the consent fold', () => {
  it('confirms only the pending event it names, and never revives a withdrawn consent', () => {
    const pending = event('pending');
    expect(fold([pending, event('confirmed', { relatesTo: pending.id })]).consent).toBe('given');
    expect(fold([pending, event('confirmed', { relatesTo: 'other' })]).consent).toBe('pending');
    expect(fold([pending, event('withdrawn'), event('confirmed', { relatesTo: pending.id })]).consent).toBe(
      'withdrawn',
    );
  });

  it('keeps a given consent when asked again, and expires only the event named', () => {
    const given = event('given');
    expect(fold([given, event('pending')]).consent).toBe('given');
    expect(fold([given, event('expired', { relatesTo: 'other' })]).consent).toBe('given');
    expect(fold([given, event('expired', { relatesTo: given.id })]).consent).toBe('expired');
  });

  it('flags a minor’s consent without a parental reference, and clears it with one', () => {
    expect(fold([event('given', { minor: true })]).parentalConsentMissing).toBe(true);
    expect(fold([event('given', { minor: true, hasParentalConsent: true })]).parentalConsentMissing).toBe(
      false,
    );
  });
});

let t: TestContext;
let subjects: SubjectKeyStore;
let noticeId: string;
beforeAll(async () => {
  t = await createTestContext();
  subjects = subjectKeysFor(t.keys);
  const dpo = await t.login(await t.createUser('dpo'));
  noticeId = (await publishTestNotice(t, dpo)).id;
});
afterAll(() => t.close());

const purposeKinds = eventKinds.filter((k) => !(subjectFlagKinds as readonly string[]).includes(k));
const arbitraryEvent = fc.record({
  subjectWide: fc.boolean(),
  purposeKind: fc.constantFrom(...purposeKinds),
  subjectKind: fc.constantFrom(...subjectFlagKinds),
  purpose: fc.constantFrom('newsletter', 'marketing_email'),
  // Few distinct minutes: many ties (ordered by ledger position) and many late, back-dated entries.
  minute: fc.integer({ min: 0, max: 12 }),
  relatesTo: fc.nat(),
  minor: fc.boolean(),
  parental: fc.boolean(),
});

describe('the derived state', () => {
  it('always equals a replay of the ledger, whatever the order events arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryEvent, { minLength: 1, maxLength: 14 }), async (events) => {
        const subjectId = await transaction(t.database.db, async (tx) => {
          const id = await subjects.createSubject(tx);
          const appended: string[] = [];
          for (const e of events) {
            const kind = e.subjectWide ? e.subjectKind : e.purposeKind;
            const closes = kind === 'confirmed' || kind === 'expired';
            const { row } = await appendLedgerEvent(tx, subjects, {
              subjectId: id,
              kind,
              purpose: e.subjectWide ? null : e.purpose,
              noticeId: ['given', 'pending', 'refused'].includes(kind) ? noticeId : null,
              language: 'en',
              method: 'api',
              occurredAt: at(e.minute),
              actor: { type: 'system', id: null },
              relatesTo: closes && appended.length > 0 ? appended[e.relatesTo % appended.length]! : null,
              conflictsWith: null,
              mergedFrom: null,
              proof: {
                ...emptyProof,
                ageCheck: { method: 'self_declared', age: e.minor ? 12 : 30, minor: e.minor },
                parentalConsentReference: e.parental ? 'ref' : null,
              },
            });
            appended.push(row.id);
          }
          return id;
        });
        const stored = await findPurposeStates(t.database.db, subjectId);
        const storedChoices = await findChoices(t.database.db, subjectId);
        const replayed = replayLedger(await findLedger(t.database.db, subjectId));
        expect(new Map(stored.map((s) => [s.purpose, purposeStateOf(s)]))).toEqual(replayed.purposes);
        expect(storedChoices).toEqual(
          replayed.choices === null ? null : expect.objectContaining(replayed.choices),
        );

        // Rebuilding from the ledger gives the same state again.
        const before = await findPurposeStates(t.database.db, subjectId);
        await transaction(t.database.db, (tx) => rebuildSubjectState(tx, subjectId));
        const after = await findPurposeStates(t.database.db, subjectId);
        const strip = (rows: typeof before) =>
          rows.map(({ updatedAt: _u, ...rest }) => rest).sort((a, b) => a.purpose.localeCompare(b.purpose));
        expect(strip(after)).toEqual(strip(before));
      }),
      { numRuns: 40 },
    );
  });

  it('is rebuilt from the ledger after being thrown away', async () => {
    const subjectId = await transaction(t.database.db, (tx) => subjects.createSubject(tx));
    await transaction(t.database.db, (tx) =>
      appendLedgerEvent(tx, subjects, {
        subjectId,
        kind: 'given',
        purpose: 'newsletter',
        noticeId,
        language: 'en',
        method: 'api',
        occurredAt: at(1),
        actor: { type: 'system', id: null },
        relatesTo: null,
        conflictsWith: null,
        mergedFrom: null,
        proof: emptyProof,
      }),
    );
    await t.database.db.delete(consentStates).where(eq(consentStates.subjectId, subjectId));
    expect(await findPurposeStates(t.database.db, subjectId)).toEqual([]);
    await transaction(t.database.db, (tx) => rebuildSubjectState(tx, subjectId));
    expect((await findPurposeStates(t.database.db, subjectId))[0]).toMatchObject({ consent: 'given' });
  });
});
