import type { Activity } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { FormError } from '../ui/errors.js';
import { formatDateTime, isRestricted } from '../ui/format.js';
import { CompanyName, ContactName, DealName } from '../ui/names.js';
import { RelatedList } from '../ui/related-list.js';
import { Restricted, Value } from '../ui/restricted.js';
import { useCan } from '../ui/use-me.js';
import { ActivityForm, activityTypeLabels } from './ActivityForm.js';
import './contact-page.css';

/** The contact's activities, most recent first, with a form to log one for roles that may. */
export function ContactTimeline({ contactId }: { contactId: string }) {
  const can = useCan();
  const mayWrite = can('activities:write');
  const [logging, setLogging] = useState(false);
  const [status, setStatus] = useState('');
  const logButton = useRef<HTMLButtonElement>(null);
  const done = (message: string) => {
    setLogging(false);
    setStatus(message);
    // Focus goes back where the form was opened, not lost with the form.
    window.setTimeout(() => logButton.current?.focus(), 0);
  };
  return (
    <RelatedList<Activity>
      title="Timeline"
      queryKey={['contact', contactId, 'activities']}
      path={`/api/v1/contacts/${contactId}/activities`}
      empty="No activities yet."
      actions={
        mayWrite &&
        !logging && (
          <button
            ref={logButton}
            type="button"
            className="secondary"
            onClick={() => {
              setStatus('');
              setLogging(true);
            }}
          >
            Log an activity
          </button>
        )
      }
      render={(a) => (
        <TimelineItem activity={a} contactId={contactId} mayWrite={mayWrite} onStatus={setStatus} />
      )}
    >
      <p className="status" role="status">
        {status}
      </p>
      {logging && <ActivityForm contactId={contactId} onDone={done} />}
    </RelatedList>
  );
}

const masked = (a: Activity) => isRestricted(a.subject) || isRestricted(a.body);

function TimelineItem({
  activity: a,
  contactId,
  mayWrite,
  onStatus,
}: {
  activity: Activity;
  contactId: string;
  mayWrite: boolean;
  onStatus: (message: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const others = a.contactIds.filter((id) => id !== contactId);
  const titleId = `activity-${a.id}`;
  if (editing)
    return (
      <ActivityForm
        contactId={contactId}
        activity={a}
        onDone={(message) => {
          setEditing(false);
          onStatus(message);
        }}
      />
    );
  return (
    <article className="activity" aria-labelledby={titleId}>
      <p className="activity-head" id={titleId}>
        <strong>{activityTypeLabels[a.type]}</strong>
        {a.direction && <> ({a.direction})</>}
        {a.subject !== null && (
          <>
            : <Value value={a.subject} />
          </>
        )}
      </p>
      <p className="when">
        {formatDateTime(a.occurredAt)}
        {a.durationMinutes !== null && <> · {a.durationMinutes} min</>}
      </p>
      {a.body !== null && (isRestricted(a.body) ? <Restricted /> : <FoldedText text={a.body} />)}
      {(others.length > 0 || a.companyId || a.dealId) && (
        <ul className="activity-links">
          {others.length > 0 && (
            <li>
              <span className="label">Also about </span>
              {others.map((id, i) => (
                <span key={id}>
                  {i > 0 && ', '}
                  <ContactName id={id} />
                </span>
              ))}
            </li>
          )}
          {a.companyId && (
            <li>
              <span className="label">Company </span>
              <CompanyName id={a.companyId} />
            </li>
          )}
          {a.dealId && (
            <li>
              <span className="label">Deal </span>
              <DealName id={a.dealId} />
            </li>
          )}
        </ul>
      )}
      {mayWrite && (
        <ActivityActions
          activity={a}
          titleId={titleId}
          onEdit={masked(a) ? null : () => setEditing(true)}
          onDeleted={() => onStatus('Activity deleted.')}
        />
      )}
    </article>
  );
}

const foldAt = 280;

/** Long text shows its start, with a button to unfold the rest. */
function FoldedText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > foldAt || text.split('\n').length > 5;
  const shown =
    !long || open ? text : `${text.slice(0, foldAt).split('\n').slice(0, 5).join('\n').trimEnd()}…`;
  return (
    <div className="activity-body">
      <p>{shown}</p>
      {long && (
        <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : 'Show more'}
          <span className="visually-hidden"> of this text</span>
        </button>
      )}
    </div>
  );
}

function ActivityActions({
  activity,
  titleId,
  onEdit,
  onDeleted,
}: {
  activity: Activity;
  titleId: string;
  /** Null when a field is masked for the role: it could not see what it would change. */
  onEdit: (() => void) | null;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) yes.current?.focus();
  }, [confirming]);
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/activities/${activity.id}`),
    onSuccess: async () => {
      onDeleted();
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('activities') });
    },
  });
  if (confirming)
    return (
      <fieldset className="confirm-row">
        <legend className="visually-hidden">Confirm deletion</legend>
        <p>Delete this activity for good? Its text is destroyed with its key.</p>
        <button
          ref={yes}
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate()}
        >
          {remove.isPending ? 'Deleting…' : 'Yes, delete it'}
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)}>
          Keep it
        </button>
        <FormError error={remove.error} />
      </fieldset>
    );
  return (
    <div className="actions activity-actions">
      {onEdit && (
        <button type="button" className="secondary" aria-describedby={titleId} onClick={onEdit}>
          Edit
        </button>
      )}
      <button
        type="button"
        className="secondary"
        aria-describedby={titleId}
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
    </div>
  );
}
