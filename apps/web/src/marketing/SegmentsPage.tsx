import type { Me, Segment, SegmentFilter } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { errorText, LoadError, Loading } from '../ui/errors.js';
import { humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { SegmentForm } from './SegmentForm.js';
import { useSegments } from './use-marketing.js';

/** A filter in words, for the list: which conditions a segment has. */
export function describeFilter(filter: SegmentFilter): string {
  const parts: string[] = [];
  if (filter.lifecycleStages) parts.push(`stage ${filter.lifecycleStages.map(humanize).join(' or ')}`);
  if (filter.sources) parts.push(`source ${filter.sources.map(humanize).join(' or ')}`);
  if (filter.consent)
    parts.push(`${humanize(filter.consent.purpose)} consent ${filter.consent.statuses.join(' or ')}`);
  if (filter.hasEmail !== undefined) parts.push(filter.hasEmail ? 'has an e-mail' : 'no e-mail');
  if (filter.activeWithinDays) parts.push(`active within ${filter.activeWithinDays} days`);
  if (filter.inactiveForDays) parts.push(`inactive for ${filter.inactiveForDays} days`);
  if (filter.createdFrom || filter.createdTo) parts.push('created in a date range');
  if (filter.dealStageIds) parts.push(`in a deal at ${filter.dealStageIds.length} stage(s)`);
  if (filter.tagIds || filter.excludeTagIds) parts.push('tags');
  if (filter.ownerIds) parts.push('owners');
  if (filter.companyIds) parts.push('companies');
  if (filter.customFieldsSet) parts.push('custom fields set');
  return parts.length > 0 ? parts.join('; ') : 'everyone';
}

/** Saved segments with their live counts; create, edit and delete them. */
export function SegmentsPage({ me }: { me: Me }) {
  const segments = useSegments();
  const mayManage = me.permissions.includes('segments:manage');
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  return (
    <section className="marketing-page" aria-labelledby="segments-title">
      <PageHeading title="Segments" id="segments-title" />
      <p className="subtitle">
        Saved filters over contacts, counted live. Personal fields are encrypted, so a segment filters on
        stage, source, dates, activity, deals, tags and consent — never on a personal value.
      </p>
      <p role="status" className="status">
        {status}
      </p>
      {segments.isPending ? (
        <Loading what="segments" />
      ) : segments.isError ? (
        <LoadError error={segments.error} onRetry={() => void segments.refetch()} />
      ) : (
        <ul className="card-list" aria-label="Saved segments">
          {segments.data.items.length === 0 && <li className="empty">No segments yet.</li>}
          {segments.data.items.map((s) =>
            editing === s.id ? (
              <li key={s.id}>
                <SegmentForm
                  segment={s}
                  onDone={(message) => {
                    setEditing(null);
                    if (message) setStatus(message);
                  }}
                />
              </li>
            ) : (
              <SegmentRow
                key={s.id}
                segment={s}
                mayManage={mayManage}
                onEdit={() => setEditing(s.id)}
                onDeleted={() => setStatus(`The segment ${s.name} was deleted.`)}
              />
            ),
          )}
        </ul>
      )}
      {mayManage && <SegmentForm onDone={(message) => message && setStatus(message)} />}
    </section>
  );
}

function SegmentRow({
  segment,
  mayManage,
  onEdit,
  onDeleted,
}: {
  segment: Segment;
  mayManage: boolean;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/segments/${segment.id}`),
    onSuccess: async () => {
      onDeleted();
      await queryClient.invalidateQueries({ queryKey: ['segments'] });
    },
  });
  const titleId = `segment-${segment.id}`;
  return (
    <li className="panel">
      <div className="panel-top">
        <h2 id={titleId}>{segment.name}</h2>
        <span className="count-badge">
          {segment.count} {segment.count === 1 ? 'contact' : 'contacts'}
        </span>
      </div>
      {segment.description && <p>{segment.description}</p>}
      <p className="label">Who: {describeFilter(segment.filter)}</p>
      {mayManage &&
        (confirming ? (
          <fieldset className="confirm-row">
            <legend className="visually-hidden">Delete {segment.name}?</legend>
            <p>Delete the segment {segment.name}? Campaigns that use it can no longer be sent.</p>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              Delete<span className="visually-hidden"> {segment.name}</span>
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
            {remove.isError && (
              <p role="alert" className="form-error">
                {errorText(remove.error)}
              </p>
            )}
          </fieldset>
        ) : (
          <div className="actions">
            <button type="button" className="secondary" onClick={onEdit}>
              Edit<span className="visually-hidden"> {segment.name}</span>
            </button>
            <button type="button" className="secondary danger" onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> {segment.name}</span>
            </button>
          </div>
        ))}
    </li>
  );
}
