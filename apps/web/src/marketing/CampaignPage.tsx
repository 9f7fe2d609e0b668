import type { Campaign, Me } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { Link } from '../router.js';
import { errorText, LoadError, Loading } from '../ui/errors.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { CampaignForm } from './CampaignForm.js';
import { isUnderway, refusalLabel, refusedTotal, statusWords } from './campaign-labels.js';
import { useCampaign, useSegments } from './use-marketing.js';

/** One campaign: its counts (refreshing while it sends), its template, and send, cancel or edit. */
export function CampaignPage({ me, id }: { me: Me; id: string }) {
  const campaign = useCampaign(id);
  if (campaign.isPending) return <Loading what="the campaign" />;
  if (campaign.isError)
    return (
      <section className="marketing-page">
        <PageHeading title="Campaign" />
        <LoadError error={campaign.error} onRetry={() => void campaign.refetch()} />
        <p>
          <Link to="/campaigns">All campaigns</Link>
        </p>
      </section>
    );
  return <CampaignView me={me} campaign={campaign.data} />;
}

function CampaignView({ me, campaign: c }: { me: Me; campaign: Campaign }) {
  const mayManage = me.permissions.includes('campaigns:manage');
  const [editing, setEditing] = useState(false);
  const segments = useSegments();
  const segment = segments.data?.items.find((s) => s.id === c.segmentId);
  return (
    <section className="marketing-page" aria-labelledby="campaign-title">
      <p className="breadcrumb">
        <Link to="/campaigns">All campaigns</Link>
      </p>
      <PageHeading title={c.name} id="campaign-title" />
      <p className="campaign-status">
        <span className={`badge campaign-${c.status}`}>{statusWords[c.status]}</span>{' '}
        {isUnderway(c) && <span className="label">Counts refresh every second while it sends.</span>}
      </p>
      <CampaignCounts campaign={c} />
      {mayManage && <CampaignActions campaign={c} onEdit={() => setEditing(true)} />}
      {editing ? (
        <CampaignForm campaign={c} onDone={() => setEditing(false)} />
      ) : (
        <section className="panel" aria-labelledby="template-title">
          <h2 id="template-title">Message</h2>
          <dl className="details">
            <dt>Segment</dt>
            <dd>
              {c.segmentId === null
                ? 'Deleted'
                : segment
                  ? `${segment.name} (${segment.count} now)`
                  : segments.isPending
                    ? '…'
                    : 'Deleted'}
            </dd>
            <dt>Purpose</dt>
            <dd>{humanize(c.purpose)}</dd>
            <dt>Tracking</dt>
            <dd>{c.tracking ? 'Opens and clicks, for people who consented' : 'Off'}</dd>
            <dt>Subject</dt>
            <dd>{c.subject}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(c.startedAt ?? c.scheduledAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(c.finishedAt)}</dd>
          </dl>
          <h3>Text body</h3>
          <pre className="template-text">{c.text}</pre>
        </section>
      )}
    </section>
  );
}

function CampaignCounts({ campaign: c }: { campaign: Campaign }) {
  const tile = (label: string, value: number, note?: string, tone?: 'warn' | 'danger') => (
    <div className={`tile${tone && value > 0 ? ` tile-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>
        <span className="tile-value">{value}</span>
        {note && <span className="tile-note">{note}</span>}
      </dd>
    </div>
  );
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">Counts</h2>
      <dl className="tiles" aria-live={isUnderway(c) ? 'polite' : undefined}>
        {tile('Recipients', c.counts.recipients, 'in the segment when sending began')}
        {tile('Sent', c.counts.sent)}
        {tile('Waiting', c.counts.pending)}
        {tile('Refused', refusedTotal(c), 'by the processing guard', 'warn')}
        {tile('Failed', c.counts.failed, 'the mail server refused', 'danger')}
        {tile('Uncertain', c.counts.uncertain, 'to be checked', 'warn')}
        {tile('Bounced', c.counts.bounced, undefined, 'danger')}
        {tile('Complaints', c.counts.complaints, undefined, 'danger')}
        {tile('Unsubscribed', c.counts.unsubscribed)}
        {c.tracking && tile('Tracked', c.counts.tracked, 'consented to tracking')}
        {c.tracking && tile('Opened', c.counts.opened)}
        {c.tracking && tile('Clicked', c.counts.clicked)}
      </dl>
      {c.counts.refused.length > 0 && (
        <table className="refusals">
          <caption>Refused, by reason</caption>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">People</th>
            </tr>
          </thead>
          <tbody>
            {c.counts.refused.map((r) => (
              <tr key={r.reason}>
                <th scope="row">{refusalLabel(r.reason)}</th>
                <td>{r.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Send (after asking), cancel while queued or sending, edit while a draft. */
function CampaignActions({ campaign: c, onEdit }: { campaign: Campaign; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const done = (saved: Campaign) => {
    queryClient.setQueryData(['campaign', saved.id], saved);
    void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
    setAsking(false);
  };
  const send = useMutation({
    mutationFn: () => api<Campaign>('POST', `/api/v1/campaigns/${c.id}/send`, {}),
    onSuccess: done,
  });
  const cancel = useMutation({
    mutationFn: () => api<Campaign>('POST', `/api/v1/campaigns/${c.id}/cancel`),
    onSuccess: done,
  });
  const error = send.error ?? cancel.error;
  return (
    <div className="campaign-actions">
      {c.status === 'draft' &&
        (asking ? (
          <fieldset className="confirm-row">
            <legend className="visually-hidden">Send {c.name}?</legend>
            <p>
              Send {c.name} now to its segment? People the processing guard refuses for {humanize(c.purpose)}{' '}
              are left out and counted.
            </p>
            <button type="button" disabled={send.isPending} onClick={() => send.mutate()}>
              {send.isPending ? 'Sending…' : 'Yes, send now'}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(false)}>
              Not yet
            </button>
          </fieldset>
        ) : (
          <div className="actions">
            <button type="button" onClick={() => setAsking(true)}>
              Send…
            </button>
            <button type="button" className="secondary" onClick={onEdit}>
              Edit the draft
            </button>
          </div>
        ))}
      {isUnderway(c) && (
        <div className="actions">
          <button
            type="button"
            className="secondary danger"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel sending'}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="form-error">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}
