import { type Dpia, purposes } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.js';
import { Choices } from '../ui/choices.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

const dpiasKey = ['privacy', 'dpias'] as const;
const day = (d: string | null) => (d ? formatDate(`${d}T12:00:00Z`) : '—');

/** Impact assessments (Art. 35): start one, record the DPO's advice, sign it off with its review date. */
export function DpiasPage() {
  const dpias = useQuery({
    queryKey: dpiasKey,
    queryFn: () => api<{ items: Dpia[] }>('GET', '/api/v1/dpias'),
  });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="dpias-title">
      <div className="page-top">
        <PageHeading title="Impact assessments" id="dpias-title" />
        {!creating && (
          <button type="button" onClick={() => setCreating(true)}>
            Start an assessment
          </button>
        )}
      </div>
      {creating && <CreateDpiaForm onDone={() => setCreating(false)} />}
      {dpias.isPending ? (
        <Loading what="the impact assessments" />
      ) : dpias.isError ? (
        <LoadError error={dpias.error} onRetry={() => void dpias.refetch()} />
      ) : dpias.data.items.length === 0 ? (
        <p className="empty">No impact assessment yet.</p>
      ) : (
        <ul className="plain dpia-list">
          {dpias.data.items.map((d) => (
            <li key={d.id} className="panel">
              <h2>{d.title}</h2>
              <p>
                {d.purposes.map(humanize).join(', ')} · <strong>{humanize(d.status)}</strong>
                {d.residualRisk && <> · residual risk {humanize(d.residualRisk).toLowerCase()}</>}
                {d.priorConsultationRequired && (
                  <span className="badge warn">prior consultation (Art. 36)</span>
                )}
                {' · '}review {day(d.reviewAt)}
                {d.reviewDue && <span className="badge warn">review due</span>}
              </p>
              <p className="hint">
                {d.dpoAdvice
                  ? `DPO advice ${formatDateTime(d.dpoAdvice.at)}${d.dpoAdvice.followed ? ', followed' : ', not followed'}.`
                  : 'No DPO advice yet.'}{' '}
                {d.signedOff ? `Signed off ${formatDateTime(d.signedOff.at)}.` : ''}
              </p>
              <button
                type="button"
                className="secondary"
                aria-expanded={open === d.id}
                onClick={() => setOpen(open === d.id ? null : d.id)}
              >
                {open === d.id ? 'Close' : 'Advise and sign off'}
                <span className="visually-hidden"> {d.title}</span>
              </button>
              {open === d.id && <DpiaSteps d={d} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateDpiaForm({ onDone }: { onDone: () => void }) {
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<(typeof purposes)[number][]>([]);
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () => api<Dpia>('POST', '/api/v1/dpias', { title, purposes: chosen, description }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: dpiasKey });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="panel step-form" aria-labelledby="new-dpia-title" noValidate>
      <h2 id="new-dpia-title">Start an impact assessment</h2>
      <Field label="Title" field="body.title" error={create.error}>
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Choices
        legend="Purposes assessed"
        options={purposes}
        value={chosen}
        onChange={setChosen}
        error={create.error}
        field="body.purposes"
      />
      <Field label="Description of the processing" field="body.description" error={create.error}>
        <textarea value={description} rows={3} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <FormError error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Start
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const scale = [1, 2, 3, 4] as const;
const scaleLabels = ['negligible', 'limited', 'significant', 'maximum'];

function ScaleSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
}) {
  return (
    <Field label={label} field="" error={null}>
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {scale.map((n) => (
          <option key={n} value={n}>
            {n} {scaleLabels[n - 1]}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** What Art. 35(7) asks for: description, necessity, proportionality, measures, and the risks. */
function AssessmentForm({ d }: { d: Dpia }) {
  const client = useQueryClient();
  const [t, setT] = useState({
    description: d.description,
    necessity: d.necessity,
    proportionality: d.proportionality,
    measures: d.measures,
  });
  const [risk, setRisk] = useState({
    description: '',
    likelihood: 2,
    severity: 2,
    residualLikelihood: 1,
    residualSeverity: 1,
  });
  const save = useMutation({
    mutationFn: () =>
      api<Dpia>('PATCH', `/api/v1/dpias/${d.id}`, {
        ...t,
        risks: [
          ...d.risks.map(({ level: _l, residualLevel: _r, ...keep }) => keep),
          ...(risk.description.trim() ? [{ ...risk, measures: [] }] : []),
        ],
      }),
    onSuccess: () => {
      setRisk((r) => ({ ...r, description: '' }));
      void client.invalidateQueries({ queryKey: dpiasKey });
    },
  });
  const e = save.error;
  const text = (key: keyof typeof t, label: string) => (
    <Field label={label} field={`body.${key}`} error={e}>
      <textarea value={t[key]} rows={2} onChange={(x) => setT({ ...t, [key]: x.target.value })} />
    </Field>
  );
  return (
    <form
      className="step-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        save.mutate();
      }}
      noValidate
    >
      <h3>Assessment (Art. 35(7))</h3>
      {text('description', 'Description of the processing')}
      {text('necessity', 'Necessity')}
      {text('proportionality', 'Proportionality')}
      {text('measures', 'Measures envisaged')}
      {d.risks.length > 0 && (
        <ul className="plain facts">
          {d.risks.map((r) => (
            <li key={r.description}>
              {r.description}{' '}
              <span className="when">
                · {humanize(r.level).toLowerCase()}, after measures {humanize(r.residualLevel).toLowerCase()}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Field label="A risk to people" field={`body.risks.${d.risks.length}.description`} error={e}>
        <input
          value={risk.description}
          maxLength={1000}
          onChange={(x) => setRisk({ ...risk, description: x.target.value })}
        />
      </Field>
      <div className="form-row">
        <ScaleSelect
          label="Likelihood"
          value={risk.likelihood}
          onChange={(v) => setRisk({ ...risk, likelihood: v })}
        />
        <ScaleSelect
          label="Severity"
          value={risk.severity}
          onChange={(v) => setRisk({ ...risk, severity: v })}
        />
        <ScaleSelect
          label="Likelihood after measures"
          value={risk.residualLikelihood}
          onChange={(v) => setRisk({ ...risk, residualLikelihood: v })}
        />
        <ScaleSelect
          label="Severity after measures"
          value={risk.residualSeverity}
          onChange={(v) => setRisk({ ...risk, residualSeverity: v })}
        />
      </div>
      <FormError error={e} />
      <button type="submit" disabled={save.isPending}>
        Save the assessment
      </button>
    </form>
  );
}

/** The issues a refused step names that no field on its form shows (what the assessment still lacks). */
function Issues({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || !error.problem.errors?.length) return null;
  return (
    <ul className="form-error">
      {error.problem.errors.map((x) => (
        <li key={x.field}>
          {humanize(x.field.replace(/^body\./, ''))}: {x.issue}
        </li>
      ))}
    </ul>
  );
}

function DpiaSteps({ d }: { d: Dpia }) {
  const client = useQueryClient();
  const [advice, setAdvice] = useState('');
  const [followed, setFollowed] = useState(true);
  const [reason, setReason] = useState('');
  const [reviewAt, setReviewAt] = useState('');
  const [consultAt, setConsultAt] = useState('');
  const [consultRef, setConsultRef] = useState('');
  const done = () => void client.invalidateQueries({ queryKey: dpiasKey });
  const advise = useMutation({
    mutationFn: () =>
      api<Dpia>('POST', `/api/v1/dpias/${d.id}/dpo-advice`, {
        text: advice,
        followed,
        ...(reason.trim() ? { reason } : {}),
      }),
    onSuccess: done,
  });
  const signOff = useMutation({
    mutationFn: () =>
      api<Dpia>('POST', `/api/v1/dpias/${d.id}/sign-off`, {
        reviewAt,
        ...(d.priorConsultationRequired || consultRef
          ? {
              priorConsultation: {
                at: consultAt ? new Date(consultAt).toISOString() : '',
                reference: consultRef,
              },
            }
          : {}),
      }),
    onSuccess: done,
  });
  return (
    <div className="dpia-steps">
      <AssessmentForm d={d} />
      <form
        className="step-form"
        onSubmit={(e) => {
          e.preventDefault();
          advise.mutate();
        }}
        noValidate
      >
        <h3>DPO’s advice (Art. 35(2))</h3>
        <Field label="Advice" field="body.text" error={advise.error} anyError>
          <textarea value={advice} rows={3} onChange={(e) => setAdvice(e.target.value)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={followed} onChange={(e) => setFollowed(e.target.checked)} /> The
          advice is followed
        </label>
        {!followed && (
          <Field label="Why it is not followed" field="body.reason" error={advise.error}>
            <textarea value={reason} rows={2} onChange={(e) => setReason(e.target.value)} />
          </Field>
        )}
        <button type="submit" disabled={advise.isPending}>
          Record the advice
        </button>
      </form>
      <form
        className="step-form"
        onSubmit={(e) => {
          e.preventDefault();
          signOff.mutate();
        }}
        noValidate
      >
        <h3>Sign off</h3>
        <Field label="Review on" field="body.reviewAt" error={signOff.error} hint="Art. 35(11)">
          <input type="date" value={reviewAt} onChange={(e) => setReviewAt(e.target.value)} />
        </Field>
        {d.priorConsultationRequired && (
          <>
            <Field label="Authority consulted on" field="body.priorConsultation.at" error={signOff.error}>
              <input type="datetime-local" value={consultAt} onChange={(e) => setConsultAt(e.target.value)} />
            </Field>
            <Field
              label="Consultation reference"
              field="body.priorConsultation.reference"
              error={signOff.error}
            >
              <input value={consultRef} onChange={(e) => setConsultRef(e.target.value)} />
            </Field>
          </>
        )}
        <FormError error={signOff.error} />
        <Issues error={signOff.error} />
        <button type="submit" disabled={signOff.isPending}>
          Sign off
        </button>
      </form>
    </div>
  );
}
