import {
  type Contact,
  type DsrRequest,
  extendRequest,
  rejectionReasons,
  verificationMethods,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { ContactEditForm } from '../contacts/ContactEditForm.js';
import { FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { dashboardKey } from './DashboardPage.js';
import { usePackage } from './RequestOutcome.js';
import { requestTypeLabels } from './request-labels.js';

type Step = 'verify' | 'extend' | 'acknowledge' | 'reject' | 'fulfil' | 'close';
const ledgerTypes: readonly DsrRequest['type'][] = [
  'restriction',
  'objection',
  'opt_out_sale_sharing',
  'limit_sensitive',
];
const maxReason = extendRequest.body.shape.reason.maxLength ?? 2000;

/** Runs one step of the request; the answer is the request as it now stands. */
function useStep(request: DsrRequest, step: Step) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: object) => api<DsrRequest>('POST', `/api/v1/requests/${request.id}/${step}`, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(['privacy', 'request', request.id], updated);
      // Its history, package or certificate, the queue and the dashboard all changed with it.
      void queryClient.invalidateQueries({
        predicate: (q) =>
          q.queryKey[0] === 'privacy' && q.queryKey[2] === request.id && q.queryKey.length > 3,
      });
      void queryClient.invalidateQueries({ queryKey: ['privacy', 'requests'] });
      void queryClient.invalidateQueries({ queryKey: dashboardKey });
    },
  });
}

/** A step's form: the server's field issues next to their fields (focused), anything else below. */
function StepForm({
  title,
  mutation,
  onSubmit,
  submitLabel,
  children,
  danger,
  extra,
}: {
  title: string;
  mutation: ReturnType<typeof useStep>;
  onSubmit: () => void;
  submitLabel: string;
  children?: ReactNode;
  danger?: boolean;
  /** More buttons beside the submit one (a cancel). */
  extra?: ReactNode;
}) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (mutation.error) ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [mutation.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form ref={ref} onSubmit={submit} noValidate aria-label={title} className="step-form">
      <h3>{title}</h3>
      {children}
      <FormError error={mutation.error} />
      <div className="actions">
        <button type="submit" className={danger ? 'danger' : undefined} disabled={mutation.isPending}>
          {mutation.isPending ? 'Working…' : submitLabel}
        </button>
        {extra}
      </div>
    </form>
  );
}

export function RequestActions({ request: r }: { request: DsrRequest }) {
  const open = ['received', 'verifying', 'in_progress', 'extended'].includes(r.status);
  const extendable =
    r.status === 'in_progress' && !r.extendedAt && Date.now() <= new Date(r.originalDueAt).getTime();
  return (
    <section aria-labelledby="actions-title" className="panel actions-panel">
      <h2 id="actions-title">Next steps</h2>
      {(r.status === 'received' || r.status === 'verifying') && <VerifyForm request={r} />}
      {open && r.acknowledgeBy && !r.acknowledgedAt && <AcknowledgeForm request={r} />}
      {extendable && <ExtendForm request={r} />}
      {(r.status === 'in_progress' || r.status === 'extended') && <FulfilStep request={r} />}
      {open && <RejectForm request={r} />}
      {(r.status === 'fulfilled' || r.status === 'rejected') && <CloseForm request={r} />}
    </section>
  );
}

function VerifyForm({ request }: { request: DsrRequest }) {
  const verify = useStep(request, 'verify');
  const [method, setMethod] = useState<(typeof verificationMethods)[number]>('known_email_reply');
  const [note, setNote] = useState('');
  return (
    <StepForm
      title="Verify the requester’s identity"
      mutation={verify}
      submitLabel="Record verification"
      onSubmit={() => verify.mutate({ method, ...(note.trim() ? { note } : {}) })}
    >
      <p className="hint">Nothing is fulfilled before the requester is verified.</p>
      <Field label="How it was checked" field="body.method" error={verify.error}>
        <select value={method} onChange={(e) => setMethod(e.target.value as typeof method)}>
          {verificationMethods.map((m) => (
            <option key={m} value={m}>
              {humanize(m)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Note (optional)" field="body.note" error={verify.error}>
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </StepForm>
  );
}

function ExtendForm({ request }: { request: DsrRequest }) {
  const extend = useStep(request, 'extend');
  const [reason, setReason] = useState('');
  return (
    <StepForm
      title="Extend the deadline"
      mutation={extend}
      submitLabel="Extend the deadline"
      onSubmit={() => extend.mutate({ reason })}
    >
      <Field
        label="Reason for the extension"
        field="body.reason"
        error={extend.error}
        hint={`Once only, before ${formatDateTime(request.originalDueAt)}; ${
          request.regime === 'gdpr' ? 'two further months' : '45 more days'
        }. The requester is told this reason.`}
      >
        <textarea rows={3} maxLength={maxReason} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </StepForm>
  );
}

function AcknowledgeForm({ request }: { request: DsrRequest }) {
  const acknowledge = useStep(request, 'acknowledge');
  return (
    <StepForm
      title="Confirm receipt"
      mutation={acknowledge}
      submitLabel="Record receipt confirmed"
      onSubmit={() => acknowledge.mutate({})}
    >
      <p className="hint">CCPA: confirm receipt by {formatDateTime(request.acknowledgeBy)}.</p>
    </StepForm>
  );
}

function FulfilStep({ request }: { request: DsrRequest }) {
  const fulfil = useStep(request, 'fulfil');
  const pkg = usePackage(request);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const body = note.trim() ? { note } : {};
  if (!request.verifiedAt) return <p className="hint">Verify the requester’s identity before fulfilling.</p>;
  if (!request.contactId)
    return <p className="hint">The request concerns no contact: link one when verifying, or reject it.</p>;
  if (request.type === 'access' || request.type === 'portability') {
    if (pkg.isPending || pkg.data) return null; // the package panel takes over once it is prepared
    return (
      <StepForm
        title="Prepare the package"
        mutation={fulfil}
        submitLabel="Prepare the package"
        onSubmit={() => fulfil.mutate(body)}
      >
        <p className="hint">
          Every record of the person, sealed under their key. You review it before it is released.
        </p>
      </StepForm>
    );
  }
  if (request.type === 'rectification') return <RectificationStep request={request} fulfil={fulfil} />;
  if (request.type === 'erasure')
    return confirming ? (
      <StepForm
        title="Confirm the erasure"
        mutation={fulfil}
        submitLabel="Erase now"
        danger
        onSubmit={() => fulfil.mutate(body)}
        extra={
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        }
      >
        <p role="alert" className="notice danger-notice">
          This erases the person for good: their records are deleted, their keys destroyed, and their
          addresses put on the suppression list. Legal holds are respected. It cannot be undone.
        </p>
        <Field label="Note (optional)" field="body.note" error={fulfil.error}>
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </StepForm>
    ) : (
      <div className="step-form">
        <h3>Fulfil: erase the person</h3>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Erase the person…
        </button>
      </div>
    );
  if (ledgerTypes.includes(request.type))
    return (
      <StepForm
        title={`Fulfil: ${requestTypeLabels[request.type].toLowerCase()}`}
        mutation={fulfil}
        submitLabel="Fulfil the request"
        onSubmit={() => fulfil.mutate(body)}
      >
        <p className="hint">
          Records the choice in the person’s consent ledger; the processing guard honours it at once.
        </p>
      </StepForm>
    );
  return null;
}

/**
 * A rectification: the contact's personal fields as they stand (the read is audited), corrected as the requester
 * asked; the changed fields are the request's corrections, applied when it is fulfilled.
 */
function RectificationStep({ request, fulfil }: { request: DsrRequest; fulfil: ReturnType<typeof useStep> }) {
  const [open, setOpen] = useState(false);
  const contact = useQuery({
    queryKey: ['contact', request.contactId],
    queryFn: () => api<Contact>('GET', `/api/v1/contacts/${request.contactId}`),
    enabled: open,
  });
  if (!open)
    return (
      <div className="step-form">
        <h3>Fulfil: correct the data</h3>
        <button type="button" onClick={() => setOpen(true)}>
          Correct the data…
        </button>
      </div>
    );
  return (
    <section className="step-form" aria-labelledby="rectify-heading">
      <h3 id="rectify-heading">Correct the data</h3>
      <p className="hint">
        Change the fields the requester asked to correct; only the changed ones are applied, and fulfilling
        the request records them.
      </p>
      {contact.isPending ? (
        <p role="status">Loading the contact…</p>
      ) : contact.isError ? (
        <FormError error={contact.error} />
      ) : (
        <ContactEditForm
          contact={contact.data}
          onDone={() => setOpen(false)}
          correction={{
            submitLabel: 'Fulfil with these corrections',
            submit: (corrections) => fulfil.mutateAsync({ corrections }),
          }}
        />
      )}
    </section>
  );
}

function RejectForm({ request }: { request: DsrRequest }) {
  const reject = useStep(request, 'reject');
  const [reason, setReason] = useState<(typeof rejectionReasons)[number]>('identity_not_verified');
  const [note, setNote] = useState('');
  return (
    <details className="step-details">
      <summary>Reject the request</summary>
      <StepForm
        title="Reject with its legal ground"
        mutation={reject}
        submitLabel="Reject the request"
        danger
        onSubmit={() => reject.mutate({ reason, ...(note.trim() ? { note } : {}) })}
      >
        <Field label="Ground" field="body.reason" error={reject.error}>
          <select value={reason} onChange={(e) => setReason(e.target.value as typeof reason)}>
            {rejectionReasons.map((x) => (
              <option key={x} value={x}>
                {humanize(x)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Note (optional)" field="body.note" error={reject.error}>
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </StepForm>
    </details>
  );
}

function CloseForm({ request }: { request: DsrRequest }) {
  const close = useStep(request, 'close');
  const [note, setNote] = useState('');
  return (
    <StepForm
      title="Close the request"
      mutation={close}
      submitLabel="Close the request"
      onSubmit={() => close.mutate(note.trim() ? { note } : {})}
    >
      <p className="hint">Once the answer was sent to the requester.</p>
      <Field label="Note (optional)" field="body.note" error={close.error}>
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </StepForm>
  );
}
