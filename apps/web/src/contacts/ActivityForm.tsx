import { type Activity, activityTypes, type Contact, type UpdateActivityInput } from '@custodian/contracts';
import { type Query, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { api, withQuery } from '../api.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { contactName } from '../ui/format.js';
import { ContactName } from '../ui/names.js';

type ActivityType = Activity['type'];

export const activityTypeLabels: Record<ActivityType, string> = {
  note: 'Note',
  call: 'Call',
  meeting: 'Meeting',
  email: 'E-mail',
};
export const hasDuration = (t: ActivityType) => t === 'call' || t === 'meeting';
export const hasDirection = (t: ActivityType) => t === 'call' || t === 'email';

type Form = {
  type: ActivityType;
  subject: string;
  body: string;
  when: string;
  duration: string;
  direction: '' | 'inbound' | 'outbound';
  others: string[];
};

/** `YYYY-MM-DDTHH:mm` in the browser's time zone, as a datetime-local control shows it. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
/** The control's local time as an ISO instant; text that is no time goes as typed, for the server to name. */
export function fromLocalInput(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function formOf(contactId: string, a: Activity | undefined): Form {
  if (!a)
    return {
      type: 'note',
      subject: '',
      body: '',
      when: toLocalInput(new Date()),
      duration: '',
      direction: '',
      others: [],
    };
  return {
    type: a.type,
    subject: a.subject ?? '',
    body: a.body ?? '',
    when: toLocalInput(new Date(a.occurredAt)),
    duration: a.durationMinutes === null ? '' : String(a.durationMinutes),
    direction: a.direction ?? '',
    others: a.contactIds.filter((id) => id !== contactId),
  };
}

// The values as the contract names them. A duration that is no whole number still goes, so the server's
// message for it shows next to the field (one set of rules, the contract's).
type Values = Omit<UpdateActivityInput, 'durationMinutes'> & { durationMinutes: number | string | null };
function valuesOf(contactId: string, f: Form): Values {
  const duration = f.duration.trim();
  return {
    subject: f.subject.trim() || null,
    body: f.body.trim() ? f.body : null,
    occurredAt: fromLocalInput(f.when),
    durationMinutes:
      !hasDuration(f.type) || duration === ''
        ? null
        : Number.isNaN(Number(duration))
          ? duration
          : Number(duration),
    direction: hasDirection(f.type) && f.direction ? f.direction : null,
    contactIds: [contactId, ...f.others],
  };
}

const samePeople = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id) => b.includes(id));

/** Whether a query holds activities, so every timeline the change shows in is read again. */
const showsActivities = (contactId: string) => (q: Query) =>
  q.queryKey.includes('activities') ||
  (q.queryKey.length === 2 && q.queryKey[0] === 'contact' && q.queryKey[1] === contactId);

/**
 * Logs a note, call, meeting or e-mail about the contact, or changes one (`activity`). The server's
 * problem+json issues show next to the fields they name.
 */
export function ActivityForm({
  contactId,
  activity,
  onDone,
}: {
  contactId: string;
  activity?: Activity;
  onDone: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(() => formOf(contactId, activity));
  const set = (change: Partial<Form>) => setForm((f) => ({ ...f, ...change }));
  const save = useMutation({
    mutationFn: async () => {
      const values = valuesOf(contactId, form);
      if (!activity) return api<Activity>('POST', '/api/v1/activities', { type: form.type, ...values });
      // Only what changed goes back, so a field the role could not see is never written over.
      const before = valuesOf(contactId, formOf(contactId, activity));
      const changed = Object.fromEntries(
        Object.entries(values).filter(([key, value]) =>
          key === 'contactIds'
            ? !samePeople(value as string[], before.contactIds ?? [])
            : value !== before[key as keyof Values],
        ),
      );
      if (Object.keys(changed).length === 0) return activity;
      return api<Activity>('PATCH', `/api/v1/activities/${activity.id}`, changed);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ predicate: showsActivities(contactId) });
      onDone(activity ? 'Activity saved.' : `${activityTypeLabels[form.type]} logged.`);
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const err = save.error;
  const titleId = activity ? `edit-activity-${activity.id}` : 'log-activity-title';

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId} className="activity-form">
      <h3 id={titleId}>
        {activity ? `Edit ${activityTypeLabels[activity.type].toLowerCase()}` : 'Log an activity'}
      </h3>
      <div className="field-pair">
        <Field label="Type" field="body.type" error={err}>
          <select
            value={form.type}
            disabled={activity !== undefined}
            onChange={(e) => set({ type: e.target.value as ActivityType })}
          >
            {activityTypes.map((t) => (
              <option key={t} value={t}>
                {activityTypeLabels[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="When" field="body.occurredAt" error={err}>
          <input type="datetime-local" value={form.when} onChange={(e) => set({ when: e.target.value })} />
        </Field>
      </div>
      {(hasDuration(form.type) || hasDirection(form.type)) && (
        <div className="field-pair">
          {hasDuration(form.type) && (
            <Field label="Duration (minutes)" field="body.durationMinutes" error={err}>
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={form.duration}
                onChange={(e) => set({ duration: e.target.value })}
              />
            </Field>
          )}
          {hasDirection(form.type) && (
            <Field label="Direction" field="body.direction" error={err}>
              <select
                value={form.direction}
                onChange={(e) => set({ direction: e.target.value as Form['direction'] })}
              >
                <option value="">Not said</option>
                <option value="inbound">Inbound (they reached us)</option>
                <option value="outbound">Outbound (we reached them)</option>
              </select>
            </Field>
          )}
        </div>
      )}
      <Field label="Subject" field="body.subject" error={err}>
        <input
          type="text"
          autoComplete="off"
          maxLength={200}
          value={form.subject}
          onChange={(e) => set({ subject: e.target.value })}
        />
      </Field>
      <Field label="Text" field="body.body" error={err} hint="What was said or written">
        <textarea rows={4} value={form.body} onChange={(e) => set({ body: e.target.value })} />
      </Field>
      <OtherContacts
        contactId={contactId}
        others={form.others}
        error={err}
        onChange={(others) => set({ others })}
      />
      <FormError error={err} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : activity ? 'Save activity' : 'Log activity'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone('')}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** More people the activity concerns, found by the contacts search (the words stay in memory, never the address). */
function OtherContacts({
  contactId,
  others,
  error,
  onChange,
}: {
  contactId: string;
  others: string[];
  error: unknown;
  onChange: (others: string[]) => void;
}) {
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const found = useQuery({
    queryKey: ['contacts', 'activity-search', query],
    enabled: query.length > 0,
    queryFn: () => api<{ items: Contact[] }>('GET', withQuery('/api/v1/contacts', { q: query, limit: 10 })),
  });
  const find = () => setQuery(q.trim());
  const onKey = (e: KeyboardEvent) => {
    // Enter finds people rather than submitting the activity.
    if (e.key === 'Enter') {
      e.preventDefault();
      find();
    }
  };
  const results = (found.data?.items ?? []).filter((c) => c.id !== contactId && !others.includes(c.id));
  return (
    <fieldset className="other-contacts">
      <legend>Also about</legend>
      {others.length > 0 && (
        <ul className="related">
          {others.map((id) => (
            <li key={id} className="related-row">
              <ContactName id={id} />
              <button
                type="button"
                className="secondary"
                onClick={() => onChange(others.filter((x) => x !== id))}
              >
                Remove<span className="visually-hidden"> this contact from the activity</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="inline-form">
        <Field label="Find a contact" field="body.contactIds" error={error} hint="Name, e-mail or phone">
          <input
            type="search"
            autoComplete="off"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
          />
        </Field>
        <button type="button" className="secondary" onClick={find}>
          Find
        </button>
      </div>
      {query && found.isPending && <Loading what="contacts" />}
      {found.isError && <LoadError error={found.error} onRetry={() => void found.refetch()} />}
      {found.data && (
        <ul className="related" aria-label="Contacts found">
          {results.length === 0 && <li className="empty">No other contact found.</li>}
          {results.map((c) => (
            <li key={c.id} className="related-row">
              <span>{contactName(c)}</span>
              <button type="button" className="secondary" onClick={() => onChange([...others, c.id])}>
                Add<span className="visually-hidden"> {contactName(c)} to the activity</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
