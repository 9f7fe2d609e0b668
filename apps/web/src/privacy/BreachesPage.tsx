import {
  type Breach,
  type BreachDrafts,
  breachRisks,
  dataCategories,
  peopleExceptions,
  type RecordBreachInput,
  type UpdateBreachInput,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { Link, navigate } from '../router.js';
import { FieldError, FormError, fieldIssue, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { Countdown } from './charts.js';

const breachesKey = ['privacy', 'breaches'] as const;

/** `datetime-local` value (the browser's time zone) for an ISO instant, and back. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');

function ClockText({ b }: { b: Breach }) {
  if (b.authorityDecision !== 'pending')
    return (
      <span className="clock-done">
        Authority:{' '}
        {b.authorityDecision === 'notified'
          ? `notified ${formatDateTime(b.authorityNotifiedAt)}`
          : 'not required'}
      </span>
    );
  return b.overdue ? (
    <span className="clock-overdue">Overdue by {Math.abs(Math.round(b.hoursLeft ?? 0))} hours</span>
  ) : (
    <span>{Math.floor(b.hoursLeft ?? 0)} of 72 hours left</span>
  );
}

/** The breach register (Art. 33(5)): every breach, notified or not, with its 72-hour clock. */
export function BreachesPage() {
  const breaches = useQuery({
    queryKey: breachesKey,
    queryFn: () => api<{ items: Breach[] }>('GET', '/api/v1/breaches'),
  });
  const [recording, setRecording] = useState(false);
  return (
    <section aria-labelledby="breaches-title">
      <div className="page-top">
        <PageHeading title="Breach register" id="breaches-title" />
        {!recording && (
          <button type="button" onClick={() => setRecording(true)}>
            Record a breach
          </button>
        )}
      </div>
      {recording && <RecordBreachForm onCancel={() => setRecording(false)} />}
      {breaches.isPending ? (
        <Loading what="the breach register" />
      ) : breaches.isError ? (
        <LoadError error={breaches.error} onRetry={() => void breaches.refetch()} />
      ) : breaches.data.items.length === 0 ? (
        <p className="empty">No breach recorded.</p>
      ) : (
        <div className="table-scroll">
          <table className="register">
            <caption className="visually-hidden">Breaches, open ones first by deadline</caption>
            <thead>
              <tr>
                <th scope="col">Breach</th>
                <th scope="col">Aware since</th>
                <th scope="col">Risk</th>
                <th scope="col">72-hour clock</th>
                <th scope="col">People</th>
              </tr>
            </thead>
            <tbody>
              {breaches.data.items.map((b) => (
                <tr key={b.id}>
                  <th scope="row">
                    <Link to={`/privacy-desk/breaches/${b.id}`}>{b.title}</Link>
                    {b.closedAt && <span className="badge">closed</span>}
                  </th>
                  <td>{formatDateTime(b.awareAt)}</td>
                  <td>{humanize(b.risk)}</td>
                  <td>
                    <ClockText b={b} />
                  </td>
                  <td>
                    {humanize(b.peopleDecision)}
                    {b.peopleDecisionDue && <span className="badge warn">decision due</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RecordBreachForm({ onCancel }: { onCancel: () => void }) {
  const client = useQueryClient();
  const now = toLocalInput(new Date().toISOString());
  const [d, setD] = useState({
    title: '',
    nature: '',
    detectedAt: now,
    awareAt: now,
    risk: 'risk' as Breach['risk'],
  });
  const record = useMutation({
    mutationFn: () =>
      api<Breach>('POST', '/api/v1/breaches', {
        ...d,
        detectedAt: fromLocalInput(d.detectedAt),
        awareAt: fromLocalInput(d.awareAt),
      } satisfies Partial<RecordBreachInput>),
    onSuccess: (b) => {
      void client.invalidateQueries({ queryKey: breachesKey });
      void client.invalidateQueries({ queryKey: ['privacy', 'dashboard'] });
      navigate(`/privacy-desk/breaches/${b.id}`);
    },
  });
  const e = record.error;
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    record.mutate();
  };
  return (
    <form onSubmit={submit} className="panel step-form" aria-labelledby="record-breach-title" noValidate>
      <h2 id="record-breach-title">Record a breach</h2>
      <Field label="Title" field="body.title" error={e}>
        <input value={d.title} maxLength={200} onChange={(x) => setD({ ...d, title: x.target.value })} />
      </Field>
      <Field
        label="What happened"
        field="body.nature"
        error={e}
        hint="No personal data here: describe the kind of data and how"
      >
        <textarea value={d.nature} rows={3} onChange={(x) => setD({ ...d, nature: x.target.value })} />
      </Field>
      <div className="form-row">
        <Field label="Detected at" field="body.detectedAt" error={e}>
          <input
            type="datetime-local"
            value={d.detectedAt}
            onChange={(x) => setD({ ...d, detectedAt: x.target.value })}
          />
        </Field>
        <Field label="Aware since (the clock starts)" field="body.awareAt" error={e}>
          <input
            type="datetime-local"
            value={d.awareAt}
            onChange={(x) => setD({ ...d, awareAt: x.target.value })}
          />
        </Field>
        <Field label="Risk to people" field="body.risk" error={e}>
          <select value={d.risk} onChange={(x) => setD({ ...d, risk: x.target.value as Breach['risk'] })}>
            {breachRisks.map((r) => (
              <option key={r} value={r}>
                {humanize(r)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <FormError error={e} />
      <div className="actions">
        <button type="submit" disabled={record.isPending}>
          {record.isPending ? 'Recording…' : 'Record the breach'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One breach: its clock, the facts and assessment, and the decisions on telling the authority and the people. */
export function BreachPage({ id }: { id: string }) {
  const breach = useQuery({
    queryKey: [...breachesKey, id],
    queryFn: () => api<Breach>('GET', `/api/v1/breaches/${id}`),
  });
  return (
    <section aria-labelledby="breach-title">
      <p className="breadcrumb">
        <Link to="/privacy-desk/breaches">Breach register</Link>
      </p>
      {breach.isPending ? (
        <>
          <PageHeading title="Breach" id="breach-title" />
          <Loading what="the breach" />
        </>
      ) : breach.isError ? (
        <>
          <PageHeading title="Breach" id="breach-title" />
          <LoadError error={breach.error} onRetry={() => void breach.refetch()} />
        </>
      ) : (
        <BreachBody b={breach.data} />
      )}
    </section>
  );
}

function BreachBody({ b }: { b: Breach }) {
  const clockTone =
    b.authorityDecision !== 'pending' ? '' : b.overdue ? ' clock-panel-overdue' : ' clock-panel-soon';
  return (
    <>
      <PageHeading title="Breach" id="breach-title">
        {b.title}
      </PageHeading>
      <div className="request-grid">
        <div className="request-main">
          <section className={`panel${clockTone}`} aria-labelledby="clock-title">
            <h2 id="clock-title">72-hour clock</h2>
            <p className="clock-big">
              <ClockText b={b} />
            </p>
            {b.authorityDecision === 'pending' && <Countdown left={b.hoursLeft ?? 0} of={72} />}
            <p>
              Notify the supervisory authority by <strong>{b.authorityDeadlineLocal}</strong> (72 hours after
              becoming aware, {formatDateTime(b.awareAt)}), unless the breach is unlikely to result in a risk.
            </p>
            {b.peopleDecisionDue && (
              <p className="notice">High risk to people: decide on telling them (Art. 34).</p>
            )}
          </section>
          <FactsForm b={b} />
        </div>
        <div>
          <AuthorityForm b={b} />
          <PeoplePanel b={b} />
        </div>
      </div>
    </>
  );
}

function useUpdateBreach(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateBreachInput) => api<Breach>('PATCH', `/api/v1/breaches/${id}`, body),
    onSuccess: (b) => {
      client.setQueryData([...breachesKey, id], b);
      void client.invalidateQueries({ queryKey: breachesKey, exact: true });
      void client.invalidateQueries({ queryKey: ['privacy', 'dashboard'] });
    },
  });
}

const numberOrNull = (v: string) => (v.trim() === '' ? null : Number(v));

function FactsForm({ b }: { b: Breach }) {
  const update = useUpdateBreach(b.id);
  const [d, setD] = useState({
    nature: b.nature,
    consequences: b.consequences,
    measures: b.measures,
    risk: b.risk,
    categories: b.categories,
    peopleApprox: b.peopleApprox?.toString() ?? '',
    recordsApprox: b.recordsApprox?.toString() ?? '',
  });
  const e = update.error;
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    update.mutate({
      ...d,
      peopleApprox: numberOrNull(d.peopleApprox),
      recordsApprox: numberOrNull(d.recordsApprox),
    });
  };
  return (
    <form onSubmit={submit} className="panel step-form" aria-labelledby="facts-title" noValidate>
      <h2 id="facts-title">Facts and assessment</h2>
      <Field label="What happened" field="body.nature" error={e}>
        <textarea value={d.nature} rows={3} onChange={(x) => setD({ ...d, nature: x.target.value })} />
      </Field>
      <Field label="Likely consequences" field="body.consequences" error={e}>
        <textarea
          value={d.consequences}
          rows={2}
          onChange={(x) => setD({ ...d, consequences: x.target.value })}
        />
      </Field>
      <Field label="Measures taken or proposed" field="body.measures" error={e}>
        <textarea value={d.measures} rows={2} onChange={(x) => setD({ ...d, measures: x.target.value })} />
      </Field>
      <div className="form-row">
        <Field label="Risk to people" field="body.risk" error={e}>
          <select value={d.risk} onChange={(x) => setD({ ...d, risk: x.target.value as Breach['risk'] })}>
            {breachRisks.map((r) => (
              <option key={r} value={r}>
                {humanize(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="People affected (about)" field="body.peopleApprox" error={e}>
          <input
            inputMode="numeric"
            value={d.peopleApprox}
            onChange={(x) => setD({ ...d, peopleApprox: x.target.value })}
          />
        </Field>
        <Field label="Records affected (about)" field="body.recordsApprox" error={e}>
          <input
            inputMode="numeric"
            value={d.recordsApprox}
            onChange={(x) => setD({ ...d, recordsApprox: x.target.value })}
          />
        </Field>
      </div>
      <details>
        <summary>Categories of data concerned ({d.categories.length})</summary>
        <fieldset className="choices">
          <legend className="visually-hidden">Categories of data concerned</legend>
          {dataCategories.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={d.categories.includes(c)}
                onChange={(x) =>
                  setD({
                    ...d,
                    categories: x.target.checked ? [...d.categories, c] : d.categories.filter((y) => y !== c),
                  })
                }
              />{' '}
              {humanize(c)}
            </label>
          ))}
          <FieldError error={e} field="body.categories" />
        </fieldset>
      </details>
      {b.impact && (
        <p className="hint">
          Impact assessment from the audit trail: {b.impact.people} people, assessed{' '}
          {formatDateTime(b.impact.assessedAt)}.
        </p>
      )}
      <FormError error={e} />
      {update.isSuccess && (
        <p role="status" className="status">
          Saved.
        </p>
      )}
      <button type="submit" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save the facts'}
      </button>
    </form>
  );
}

function AuthorityForm({ b }: { b: Breach }) {
  const update = useUpdateBreach(b.id);
  const [decision, setDecision] = useState<'notified' | 'not_required'>(
    b.authorityDecision === 'not_required' ? 'not_required' : 'notified',
  );
  const [notifiedAt, setNotifiedAt] = useState(
    toLocalInput(b.authorityNotifiedAt ?? new Date().toISOString()),
  );
  const [reference, setReference] = useState(b.authorityReference ?? '');
  const [reason, setReason] = useState(b.decisionReason ?? '');
  const [delayReason, setDelayReason] = useState(b.delayReason ?? '');
  const e = update.error;
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    update.mutate(
      decision === 'notified'
        ? {
            authorityDecision: 'notified',
            authorityNotifiedAt: fromLocalInput(notifiedAt),
            authorityReference: reference.trim() || null,
            delayReason: delayReason.trim() || null,
          }
        : { authorityDecision: 'not_required', decisionReason: reason.trim() || null },
    );
  };
  return (
    <form onSubmit={submit} className="panel step-form" aria-labelledby="authority-title" noValidate>
      <h2 id="authority-title">Supervisory authority</h2>
      <p>
        Decision: <strong>{humanize(b.authorityDecision)}</strong>
        {b.authorityNotifiedAt && <> on {formatDateTime(b.authorityNotifiedAt)}</>}
        {b.authorityReference && <> (reference {b.authorityReference})</>}
      </p>
      <DraftDetails id={b.id} which="authority" />
      <Field label="Decision" field="body.authorityDecision" error={e}>
        <select value={decision} onChange={(x) => setDecision(x.target.value as typeof decision)}>
          <option value="notified">Notified the authority</option>
          <option value="not_required">Not required: unlikely to result in a risk</option>
        </select>
      </Field>
      {decision === 'notified' ? (
        <>
          <Field label="Notified at" field="body.authorityNotifiedAt" error={e}>
            <input type="datetime-local" value={notifiedAt} onChange={(x) => setNotifiedAt(x.target.value)} />
          </Field>
          <Field label="Authority’s reference" field="body.authorityReference" error={e}>
            <input value={reference} maxLength={200} onChange={(x) => setReference(x.target.value)} />
          </Field>
          <Field
            label="Reason for notifying after 72 hours"
            field="body.delayReason"
            error={e}
            hint="Required when late (Art. 33(1))"
          >
            <textarea value={delayReason} rows={2} onChange={(x) => setDelayReason(x.target.value)} />
          </Field>
        </>
      ) : (
        <Field label="Why no notification is required" field="body.decisionReason" error={e}>
          <textarea value={reason} rows={2} onChange={(x) => setReason(x.target.value)} />
        </Field>
      )}
      <FormError error={e} />
      <button type="submit" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Record the decision'}
      </button>
    </form>
  );
}

function DraftDetails({ id, which }: { id: string; which: keyof BreachDrafts }) {
  const [open, setOpen] = useState(false);
  const drafts = useQuery({
    queryKey: [...breachesKey, id, 'drafts'],
    queryFn: () => api<BreachDrafts>('GET', `/api/v1/breaches/${id}/drafts`),
    enabled: open,
  });
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Draft {which === 'authority' ? 'notification to the authority' : 'message to the people'}
      </summary>
      {drafts.isPending ? (
        <Loading what="the draft" />
      ) : drafts.isError ? (
        <LoadError error={drafts.error} onRetry={() => void drafts.refetch()} />
      ) : (
        <div className="draft">
          <p>
            <strong>{drafts.data[which].subject}</strong>
          </p>
          <pre className="words">{drafts.data[which].text}</pre>
        </div>
      )}
    </details>
  );
}

function PeoplePanel({ b }: { b: Breach }) {
  const client = useQueryClient();
  const update = useUpdateBreach(b.id);
  const [exception, setException] = useState<(typeof peopleExceptions)[number]>('risk_contained');
  const notify = useMutation({
    mutationFn: () =>
      api<{ queued: number; alreadyQueued: number; breach: Breach }>(
        'POST',
        `/api/v1/breaches/${b.id}/notify-people`,
        {},
      ),
    onSuccess: (r) => client.setQueryData([...breachesKey, b.id], r.breach),
  });
  const close = () => update.mutate({ closed: !b.closedAt });
  return (
    <section className="panel step-form" aria-labelledby="people-title">
      <h2 id="people-title">The people concerned</h2>
      <p>
        Decision: <strong>{humanize(b.peopleDecision)}</strong>
        {b.peopleException && <> ({humanize(b.peopleException).toLowerCase()})</>}
        {b.peopleNotifiedAt && <> on {formatDateTime(b.peopleNotifiedAt)}</>}.
      </p>
      <p className="hint">
        Notices: {b.notices.queued} queued, {b.notices.sent} sent, {b.notices.noAddress} without an address,{' '}
        {b.notices.erased} erased since.
      </p>
      <DraftDetails id={b.id} which="people" />
      <button type="button" disabled={notify.isPending} onClick={() => notify.mutate()}>
        {notify.isPending ? 'Queuing…' : 'Tell the people affected'}
      </button>
      {notify.isSuccess && (
        <p role="status" className="status">
          {notify.data.queued} notices queued ({notify.data.alreadyQueued} already were).
        </p>
      )}
      <FormError error={notify.error} />
      <Field label="Or no communication, because" field="body.peopleException" error={update.error}>
        <select value={exception} onChange={(x) => setException(x.target.value as typeof exception)}>
          {peopleExceptions.map((x) => (
            <option key={x} value={x}>
              {humanize(x)}
            </option>
          ))}
        </select>
      </Field>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={update.isPending}
          onClick={() => update.mutate({ peopleDecision: 'not_required', peopleException: exception })}
        >
          Record: not required
        </button>
        <button type="button" className="secondary" disabled={update.isPending} onClick={close}>
          {b.closedAt ? 'Reopen the breach' : 'Close the breach'}
        </button>
      </div>
      {update.error !== null && !fieldIssue(update.error, 'body.peopleException') ? (
        <FormError error={update.error} />
      ) : null}
    </section>
  );
}
