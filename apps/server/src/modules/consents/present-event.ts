import { type ConsentEvent, restrictedValue } from '@custodian/contracts';
import { consentEventEntity, restrictedFields } from '../../catalog/index.js';
import type { RequestContext } from '../../platform/access.js';
import type { OpenedEvent } from './repository.js';

/** An event as this caller may see it: proof fields the catalog does not reveal to them are masked. */
export function presentEvent(ctx: RequestContext, { row, proof }: OpenedEvent): ConsentEvent {
  const hidden = restrictedFields(consentEventEntity, ctx);
  const text = (field: keyof typeof proof, value: string | null) =>
    value !== null && hidden.has(field) ? restrictedValue : value;
  return {
    id: row.id,
    kind: row.kind as ConsentEvent['kind'],
    purpose: row.purpose as ConsentEvent['purpose'],
    noticeId: row.noticeId,
    language: row.language,
    method: row.method as ConsentEvent['method'],
    source: text('source', proof.source),
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId },
    relatesTo: row.relatesTo,
    conflictsWith: row.conflictsWith,
    mergedFrom: row.mergedFrom,
    proof: {
      networkAddressHash: text('networkAddressHash', proof.networkAddressHash),
      userAgent: text('userAgent', proof.userAgent),
      jurisdiction: text('jurisdiction', proof.jurisdiction),
      // Structured: masked as a whole (its presence is visible from `minor` in the state anyway).
      ageCheck: hidden.has('ageCheck') ? null : proof.ageCheck,
      parentalConsentReference: text('parentalConsentReference', proof.parentalConsentReference),
      note: text('note', proof.note),
    },
    restricted: [...hidden].filter((f) => proof[f as keyof typeof proof] !== null),
  };
}
