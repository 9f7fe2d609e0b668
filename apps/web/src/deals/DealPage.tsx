import type { Company, Contact, Deal, Pipeline, UpdateDealInput } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, withQuery } from '../api.js';
import { Link, navigate } from '../router.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { contactName, formatDate, formatDateTime, humanize, isRestricted } from '../ui/format.js';
import { formatMoney, minorDigits, parseMoney } from '../ui/money.js';
import { CompanyName, ContactName } from '../ui/names.js';
import { PageHeading } from '../ui/page-heading.js';
import { useCan } from '../ui/use-me.js';
import { usePipelines } from './use-board.js';
import './deals.css';
import '../ui/forms.css';

/** Anything that lists deals (the board, a contact's or company's deals) is out of date after a change. */
const listsDeals = (key: readonly unknown[]) => key.includes('deals');

export function DealPage({ id }: { id: string }) {
  const deal = useQuery({ queryKey: ['deal', id], queryFn: () => api<Deal>('GET', `/api/v1/deals/${id}`) });
  const pipelines = usePipelines();
  return (
    <article className="deal-page">
      <p className="breadcrumb">
        <Link to={deal.data ? `/pipelines/${deal.data.pipelineId}` : '/deals'}>Deals</Link>
      </p>
      {deal.isPending || (deal.isSuccess && pipelines.isPending) ? (
        <>
          <PageHeading title="Deal" />
          <Loading what="the deal" />
        </>
      ) : deal.isError ? (
        <>
          <PageHeading title="Deal" />
          {deal.error instanceof ApiError && deal.error.problem.status === 404 ? (
            <p role="alert">This deal does not exist, or you may not see it.</p>
          ) : (
            <LoadError error={deal.error} onRetry={() => void deal.refetch()} />
          )}
        </>
      ) : pipelines.isError ? (
        <>
          <PageHeading title="Deal" />
          <LoadError error={pipelines.error} onRetry={() => void pipelines.refetch()} />
        </>
      ) : (
        <DealDetails
          deal={deal.data}
          pipeline={pipelines.data?.items.find((p) => p.id === deal.data.pipelineId)}
        />
      )}
    </article>
  );
}

function useSaveDeal(deal: Deal, onSaved?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateDealInput) => api<Deal>('PATCH', `/api/v1/deals/${deal.id}`, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', deal.id], saved);
      void queryClient.invalidateQueries({ predicate: (q) => listsDeals(q.queryKey) });
      onSaved?.();
    },
  });
}

function DealDetails({ deal, pipeline }: { deal: Deal; pipeline: Pipeline | undefined }) {
  const can = useCan();
  const canWrite = can('deals:write');
  const [editing, setEditing] = useState(false);
  const stage = pipeline?.stages.find((s) => s.id === deal.stageId);
  return (
    <>
      {/* Deals hold no personal data, so the title may name the deal. */}
      <PageHeading title="Deal">{deal.title}</PageHeading>
      <p className="subtitle">
        <span className="badge">{humanize(deal.status)}</span> {pipeline?.name ?? 'Pipeline'} ·{' '}
        {stage?.name ?? 'stage'} · added {formatDate(deal.createdAt)}
      </p>
      <div className="deal-grid">
        <section aria-labelledby="deal-details-title" className="panel">
          <div className="panel-top">
            <h2 id="deal-details-title">Details</h2>
            {canWrite && !editing && (
              <button type="button" className="secondary" onClick={() => setEditing(true)}>
                Edit
              </button>
            )}
          </div>
          {editing ? (
            <DealEditForm deal={deal} onDone={() => setEditing(false)} />
          ) : (
            <dl className="details">
              <dt>Amount</dt>
              <dd>
                {deal.amountMinor !== null && deal.currency
                  ? formatMoney(deal.amountMinor, deal.currency)
                  : '—'}
              </dd>
              <dt>Expected close</dt>
              <dd>{formatDate(deal.expectedCloseDate)}</dd>
              <dt>Company</dt>
              <dd>{deal.companyId ? <CompanyName id={deal.companyId} /> : '—'}</dd>
              <dt>Closed</dt>
              <dd>{formatDateTime(deal.closedAt)}</dd>
              {Object.entries(deal.customFields).map(([key, value]) => (
                <FieldPair key={key} label={humanize(key)} value={value} />
              ))}
              <dt>Changed</dt>
              <dd>{formatDateTime(deal.updatedAt)}</dd>
            </dl>
          )}
        </section>
        {pipeline && <StagePanel deal={deal} pipeline={pipeline} canWrite={canWrite} />}
        <ContactsPanel deal={deal} canWrite={canWrite} />
        {canWrite && <DeletePanel deal={deal} />}
      </div>
    </>
  );
}

function FieldPair({ label, value }: { label: string; value: unknown }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {value === null || value === undefined
          ? '—'
          : typeof value === 'boolean'
            ? value
              ? 'Yes'
              : 'No'
            : String(value)}
      </dd>
    </>
  );
}

function StagePanel({ deal, pipeline, canWrite }: { deal: Deal; pipeline: Pipeline; canWrite: boolean }) {
  const [stageId, setStageId] = useState(deal.stageId);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => setStageId(deal.stageId), [deal.stageId]);
  const save = useSaveDeal(deal, () =>
    setDone(`Moved to ${pipeline.stages.find((s) => s.id === stageId)?.name}.`),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate({ stageId });
  };
  return (
    <section aria-labelledby="deal-stage-title" className="panel">
      <h2 id="deal-stage-title">Stage</h2>
      <ol className="stage-path">
        {pipeline.stages.map((s) => (
          <li key={s.id} aria-current={s.id === deal.stageId ? 'step' : undefined}>
            {s.name} <span className="label">({s.probability}%)</span>
          </li>
        ))}
      </ol>
      {canWrite && (
        <form onSubmit={submit} noValidate aria-label="Change the stage" className="inline-form">
          <Field label="Move to stage" field="body.stageId" error={save.error} anyError>
            <select value={stageId} onChange={(e) => setStageId(e.target.value)}>
              {pipeline.stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.kind !== 'open' ? ` (${s.kind})` : ''}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={save.isPending || stageId === deal.stageId}>
            {save.isPending ? 'Moving…' : 'Move'}
          </button>
        </form>
      )}
      <p role="status" className="status">
        {done}
      </p>
    </section>
  );
}

type EditForm = {
  title: string;
  amount: string;
  currency: string;
  expectedCloseDate: string;
  companyId: string;
};

function amountFormat(deal: Deal): string {
  if (deal.amountMinor === null) return '';
  const digits = minorDigits(deal.currency ?? 'EUR');
  return (deal.amountMinor / 10 ** digits).toFixed(digits);
}

function DealEditForm({ deal, onDone }: { deal: Deal; onDone: () => void }) {
  const [form, setForm] = useState<EditForm>({
    title: deal.title,
    amount: amountFormat(deal),
    currency: deal.currency ?? '',
    expectedCloseDate: deal.expectedCloseDate ?? '',
    companyId: deal.companyId ?? '',
  });
  const set = (change: Partial<EditForm>) => setForm((f) => ({ ...f, ...change }));
  const companies = useQuery({
    queryKey: ['companies', 'choices'],
    queryFn: () => api<{ items: Company[] }>('GET', '/api/v1/companies?limit=200'),
    staleTime: 60_000,
  });
  const save = useSaveDeal(deal, onDone);
  const [amountError, setAmountError] = useState<ApiError | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const error = amountError ?? save.error;
  useEffect(() => {
    if (error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const currency = form.currency.trim().toUpperCase();
    const amountMinor = form.amount.trim() ? parseMoney(form.amount, currency || 'EUR') : null;
    if (form.amount.trim() && amountMinor === null) {
      setAmountError(
        new ApiError({
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          code: 'validation_failed',
          detail: 'The deal was not saved',
          requestId: '',
          errors: [{ field: 'body.amountMinor', issue: 'must be an amount such as 1200.50' }],
        }),
      );
      return;
    }
    setAmountError(null);
    save.mutate({
      title: form.title,
      amountMinor,
      currency: currency || null,
      expectedCloseDate: form.expectedCloseDate || null,
      companyId: form.companyId || null,
    });
  };
  const choices = companies.data?.items ?? [];
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Edit deal">
      <Field label="Title" field="body.title" error={error}>
        <input
          type="text"
          autoComplete="off"
          value={form.title}
          onChange={(e) => set({ title: e.target.value })}
        />
      </Field>
      <Field label="Amount" field="body.amountMinor" error={error} hint="e.g. 1200.50; empty for none">
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={form.amount}
          onChange={(e) => set({ amount: e.target.value })}
        />
      </Field>
      <Field label="Currency" field="body.currency" error={error} hint="ISO code such as EUR">
        <input
          type="text"
          autoComplete="off"
          maxLength={3}
          value={form.currency}
          onChange={(e) => set({ currency: e.target.value })}
        />
      </Field>
      <Field label="Expected close" field="body.expectedCloseDate" error={error}>
        <input
          type="date"
          value={form.expectedCloseDate}
          onChange={(e) => set({ expectedCloseDate: e.target.value })}
        />
      </Field>
      <Field label="Company" field="body.companyId" error={error}>
        <select value={form.companyId} onChange={(e) => set({ companyId: e.target.value })}>
          <option value="">No company</option>
          {deal.companyId && !choices.some((c) => c.id === deal.companyId) && (
            <option value={deal.companyId}>The current company</option>
          )}
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {isRestricted(c.name) ? 'Company (name restricted)' : c.name}
            </option>
          ))}
        </select>
      </Field>
      <FormError error={error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The people on the deal; more are found by the same search as the contacts list (never in the address). */
function ContactsPanel({ deal, canWrite }: { deal: Deal; canWrite: boolean }) {
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const save = useSaveDeal(deal);
  const found = useQuery({
    queryKey: ['contacts', 'deal-search', query],
    enabled: query.length > 0,
    queryFn: () => api<{ items: Contact[] }>('GET', withQuery('/api/v1/contacts', { q: query, limit: 10 })),
  });
  const setContacts = (contactIds: string[]) => save.mutate({ contactIds });
  return (
    <section aria-labelledby="deal-contacts-title" className="panel">
      <h2 id="deal-contacts-title">Contacts</h2>
      {deal.contactIds.length === 0 ? (
        <p className="empty">No contacts on this deal.</p>
      ) : (
        <ul className="related">
          {deal.contactIds.map((cid) => (
            <li key={cid} className="related-row">
              <ContactName id={cid} />
              {canWrite && (
                <button
                  type="button"
                  className="secondary"
                  disabled={save.isPending}
                  onClick={() => setContacts(deal.contactIds.filter((x) => x !== cid))}
                >
                  Remove<span className="visually-hidden"> this contact from the deal</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError error={save.error} />
      {canWrite && (
        <form
          className="inline-form"
          aria-label="Find a contact to add"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(q.trim());
          }}
        >
          <Field
            label="Find a contact to add"
            field="query.q"
            error={found.error}
            hint="Name, e-mail or phone"
          >
            <input type="search" autoComplete="off" value={q} onChange={(e) => setQ(e.target.value)} />
          </Field>
          <button type="submit" className="secondary">
            Find
          </button>
        </form>
      )}
      {query && found.isPending && <Loading what="contacts" />}
      {found.data && (
        <ul className="related" aria-label="Contacts found">
          {found.data.items.length === 0 && <li className="empty">No contact found.</li>}
          {found.data.items
            .filter((c) => !deal.contactIds.includes(c.id))
            .map((c) => (
              <li key={c.id} className="related-row">
                <span>{contactName(c)}</span>
                <button
                  type="button"
                  className="secondary"
                  disabled={save.isPending}
                  onClick={() => setContacts([...deal.contactIds, c.id])}
                >
                  Add<span className="visually-hidden"> {contactName(c)} to the deal</span>
                </button>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}

function DeletePanel({ deal }: { deal: Deal }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/deals/${deal.id}`),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ['deal', deal.id] });
      void queryClient.invalidateQueries({ predicate: (q) => listsDeals(q.queryKey) });
      navigate(`/pipelines/${deal.pipelineId}`);
    },
  });
  return (
    <section aria-labelledby="deal-delete-title" className="panel">
      <h2 id="deal-delete-title">Delete</h2>
      {!confirming ? (
        <button type="button" className="secondary danger" onClick={() => setConfirming(true)}>
          Delete this deal
        </button>
      ) : (
        <fieldset className="confirm-row">
          <legend className="visually-hidden">Confirm deletion</legend>
          <p>The deal goes for good; its contacts and company stay.</p>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            {remove.isPending ? 'Deleting…' : 'Yes, delete the deal'}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </fieldset>
      )}
      <FormError error={remove.error} />
    </section>
  );
}
