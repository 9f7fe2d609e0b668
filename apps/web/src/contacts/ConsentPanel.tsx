import {
  type ConsentEvent,
  type ConsentOverview,
  type LawfulBasis,
  type Purpose,
  type PurposeRecord,
  purposes,
} from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { LoadError, Loading } from '../ui/errors.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { Value } from '../ui/restricted.js';
import { useCan } from '../ui/use-me.js';
import { hasReceipt, useConsentEvents } from './consent-events.js';
import { RecordConsentForm } from './RecordConsentForm.js';

type PurposeState = ConsentOverview['purposes'][number];

const consentLabel: Record<PurposeState['consent'], string> = {
  none: 'Not asked',
  pending: 'Pending confirmation',
  given: 'Given',
  withdrawn: 'Withdrawn',
  refused: 'Refused',
  expired: 'Expired',
};

const basisLabel: Record<LawfulBasis, string> = {
  consent: 'consent',
  contract: 'contract',
  legal_obligation: 'legal obligation',
  vital_interests: 'vital interests',
  public_task: 'public task',
  legitimate_interests: 'legitimate interests',
};

/**
 * The person's choices: the current state per purpose (derived from the ledger by the server) with the
 * event it rests on as proof, the CCPA choices, and the ledger itself, newest first.
 */
export function ConsentPanel({ contactId }: { contactId: string }) {
  const overview = useQuery({
    queryKey: ['contact', contactId, 'consents'],
    queryFn: () => api<ConsentOverview>('GET', `/api/v1/contacts/${contactId}/consents`),
  });
  const events = useConsentEvents(contactId);
  // Consent is asked only for purposes that rest on it; the others say their basis instead of "not asked".
  const purposeRecords = useQuery({
    queryKey: ['purposes'],
    queryFn: () => api<{ items: PurposeRecord[] }>('GET', '/api/v1/purposes'),
    staleTime: 300_000,
  });
  const records = new Map((purposeRecords.data?.items ?? []).map((p) => [p.key, p] as const));
  const ledger = events.data?.pages.flatMap((p) => p.items) ?? [];
  const byId = new Map(ledger.map((e) => [e.id, e]));
  const states = new Map<Purpose, PurposeState>((overview.data?.purposes ?? []).map((s) => [s.purpose, s]));
  const can = useCan();

  return (
    <section aria-labelledby="consent-title" className="panel consent-panel">
      <h2 id="consent-title">Consent and choices</h2>
      {overview.isPending ? (
        <Loading what="consent" />
      ) : overview.isError ? (
        <LoadError error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <>
          <table className="consents">
            <caption className="visually-hidden">Current state per purpose</caption>
            <thead>
              <tr>
                <th scope="col">Purpose</th>
                <th scope="col">Consent</th>
                <th scope="col">Proof</th>
              </tr>
            </thead>
            <tbody>
              {purposes.map((purpose) => {
                const state = states.get(purpose);
                const proof = state?.consentEventId ? byId.get(state.consentEventId) : undefined;
                const record = records.get(purpose);
                const notOnConsent =
                  record && record.lawfulBasis !== 'consent' && (state?.consent ?? 'none') === 'none';
                return (
                  <tr key={purpose}>
                    <th scope="row">
                      {record?.name ?? humanize(purpose)}
                      {record && <span className="basis">{basisLabel[record.lawfulBasis]}</span>}
                    </th>
                    <td>
                      <span className={`status-${state?.consent ?? 'none'}`}>
                        {notOnConsent ? 'Not needed' : consentLabel[state?.consent ?? 'none']}
                      </span>
                      {state?.stale && <span className="badge warn">notice changed: ask again</span>}
                      {state?.parentalConsentMissing && (
                        <span className="badge warn">parental consent missing</span>
                      )}
                      {state?.objected && <span className="badge warn">objected</span>}
                      {state?.restricted && <span className="badge warn">processing restricted</span>}
                    </td>
                    <td className={!state || state.consent === 'none' ? 'no-proof' : undefined}>
                      {!state || state.consent === 'none' ? (
                        '—'
                      ) : proof ? (
                        <ProofSummary contactId={contactId} event={proof} />
                      ) : (
                        <>since {formatDateTime(state.updatedAt)}</>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p>
            Sale or sharing of personal information:{' '}
            <strong>{overview.data.choices.optedOutOfSaleOrSharing ? 'opted out' : 'not opted out'}</strong>.
            Use of sensitive information:{' '}
            <strong>{overview.data.choices.limitedSensitiveUse ? 'limited' : 'not limited'}</strong>.
          </p>
        </>
      )}

      {can('consents:record') && (
        <RecordConsentForm contactId={contactId} purposeRecords={purposeRecords.data?.items ?? []} />
      )}

      <h3>History</h3>
      {events.isPending ? (
        <Loading what="the history" />
      ) : events.isError ? (
        <LoadError error={events.error} onRetry={() => void events.refetch()} />
      ) : ledger.length === 0 ? (
        <p className="empty">No choices recorded yet.</p>
      ) : (
        <>
          <ol className="ledger">
            {ledger.map((e) => (
              <li key={e.id}>
                <span className="when">{formatDateTime(e.occurredAt)}</span>{' '}
                <strong>{humanize(e.kind)}</strong>
                {e.purpose && <> for {records.get(e.purpose as Purpose)?.name ?? humanize(e.purpose)}</>} ·{' '}
                {humanize(e.method)}
                {e.source && (
                  <>
                    {' '}
                    · <Value value={e.source} />
                  </>
                )}
                {e.proof.note && (
                  <>
                    {' '}
                    · <Value value={e.proof.note} />
                  </>
                )}
                {hasReceipt(e) && (
                  <>
                    {' '}
                    · <ReceiptLink contactId={contactId} event={e} />
                  </>
                )}
              </li>
            ))}
          </ol>
          {events.hasNextPage && (
            <button
              type="button"
              className="secondary"
              disabled={events.isFetchingNextPage}
              onClick={() => void events.fetchNextPage()}
            >
              {events.isFetchingNextPage ? 'Loading older choices…' : 'Show older choices'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ProofSummary({ contactId, event }: { contactId: string; event: ConsentEvent }) {
  return (
    <>
      {humanize(event.method)}, {formatDateTime(event.occurredAt)}
      {event.language && <> ({event.language})</>}
      {hasReceipt(event) && (
        <>
          {' '}
          · <ReceiptLink contactId={contactId} event={event} />
        </>
      )}
    </>
  );
}

function ReceiptLink({ contactId, event }: { contactId: string; event: ConsentEvent }) {
  return (
    <a
      href={`/api/v1/contacts/${contactId}/consents/${event.id}/receipt.html`}
      target="_blank"
      rel="noopener"
    >
      receipt<span className="visually-hidden"> of the {humanize(event.kind).toLowerCase()} event</span>
    </a>
  );
}
