import type { ConsentEventKind, ConsentStatus } from '@custodian/contracts';

/** What the derived state needs of a ledger event (none of its encrypted proof). */
export interface LedgerEvent {
  id: string;
  seq: number;
  kind: ConsentEventKind;
  purpose: string | null;
  noticeId: string | null;
  relatesTo: string | null;
  occurredAt: Date;
  minor: boolean;
  hasParentalConsent: boolean;
}

interface Position {
  lastOccurredAt: Date;
  lastSeq: number;
}

export interface PurposeState extends Position {
  consent: ConsentStatus;
  consentEventId: string | null;
  noticeId: string | null;
  parentalConsentMissing: boolean;
  objected: boolean;
  restricted: boolean;
}

export interface SubjectChoiceState extends Position {
  optedOutOfSaleOrSharing: boolean;
  limitedSensitiveUse: boolean;
}

/** Ledger order: when the choice was made, then the order it was recorded in. */
export function compareEvents(
  a: Pick<LedgerEvent, 'occurredAt' | 'seq'>,
  b: Pick<LedgerEvent, 'occurredAt' | 'seq'>,
): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || a.seq - b.seq;
}

/** Whether an event comes after everything a state was derived from, so it can be applied on top. */
export const comesAfter = (state: Position, event: LedgerEvent): boolean =>
  compareEvents({ occurredAt: state.lastOccurredAt, seq: state.lastSeq }, event) < 0;

const emptyPurposeState = (event: LedgerEvent): PurposeState => ({
  consent: 'none',
  consentEventId: null,
  noticeId: null,
  parentalConsentMissing: false,
  objected: false,
  restricted: false,
  lastOccurredAt: event.occurredAt,
  lastSeq: event.seq,
});

/**
 * One step of the consent state of a person for a purpose:
 * - given sets consent; pending sets it unless consent is already given (asking again does not undo it);
 * - confirmed turns the pending event it names into given, and does nothing otherwise (a late click
 *   cannot revive a consent withdrawn since);
 * - expired ends the pending or given event it names, and nothing else;
 * - withdrawn and refused end any consent;
 * - objection and restriction are flags set and lifted.
 */
export function applyToPurpose(current: PurposeState | null, e: LedgerEvent): PurposeState {
  const s: PurposeState = {
    ...(current ?? emptyPurposeState(e)),
    lastOccurredAt: e.occurredAt,
    lastSeq: e.seq,
  };
  const rest = (consent: ConsentStatus, noticeId: string | null) => ({
    ...s,
    consent,
    consentEventId: e.id,
    noticeId,
    parentalConsentMissing: e.minor && !e.hasParentalConsent,
  });
  switch (e.kind) {
    case 'given':
      return rest('given', e.noticeId);
    case 'pending':
      return s.consent === 'given' ? s : rest('pending', e.noticeId);
    case 'confirmed':
      return s.consent === 'pending' && s.consentEventId === e.relatesTo ? { ...s, consent: 'given' } : s;
    case 'expired':
      return (s.consent === 'pending' || s.consent === 'given') && s.consentEventId === e.relatesTo
        ? { ...s, consent: 'expired', consentEventId: e.id, parentalConsentMissing: false }
        : s;
    case 'withdrawn':
      return { ...rest('withdrawn', null), noticeId: s.noticeId, parentalConsentMissing: false };
    case 'refused':
      return { ...rest('refused', e.noticeId), parentalConsentMissing: false };
    case 'objected':
      return { ...s, objected: true };
    case 'objection_withdrawn':
      return { ...s, objected: false };
    case 'restricted':
      return { ...s, restricted: true };
    case 'restriction_lifted':
      return { ...s, restricted: false };
    default:
      return s;
  }
}

export function applyToChoices(current: SubjectChoiceState | null, e: LedgerEvent): SubjectChoiceState {
  const s: SubjectChoiceState = {
    optedOutOfSaleOrSharing: current?.optedOutOfSaleOrSharing ?? false,
    limitedSensitiveUse: current?.limitedSensitiveUse ?? false,
    lastOccurredAt: e.occurredAt,
    lastSeq: e.seq,
  };
  switch (e.kind) {
    case 'sale_sharing_opted_out':
      return { ...s, optedOutOfSaleOrSharing: true };
    case 'sale_sharing_opted_in':
      return { ...s, optedOutOfSaleOrSharing: false };
    case 'sensitive_use_limited':
      return { ...s, limitedSensitiveUse: true };
    case 'sensitive_use_unlimited':
      return { ...s, limitedSensitiveUse: false };
    default:
      return s;
  }
}

/** The whole state of one person, replayed from their ledger in ledger order. */
export function replayLedger(events: readonly LedgerEvent[]): {
  purposes: Map<string, PurposeState>;
  choices: SubjectChoiceState | null;
} {
  const purposes = new Map<string, PurposeState>();
  let choices: SubjectChoiceState | null = null;
  for (const e of [...events].sort(compareEvents)) {
    if (e.purpose === null) choices = applyToChoices(choices, e);
    else purposes.set(e.purpose, applyToPurpose(purposes.get(e.purpose) ?? null, e));
  }
  return { purposes, choices };
}
