import {
  type CreateRecipientInput,
  dataCategories,
  type Me,
  purposes,
  type Recipient,
  recipientRoles,
  transferMechanisms,
  updateRecipient,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { Choices } from '../ui/choices.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { mayCall } from './PrivacyDesk.js';

const recipientsKey = ['privacy', 'recipients'] as const;
const day = (d: string | null) => (d ? formatDate(`${d}T12:00:00Z`) : '—');

type Draft = Omit<CreateRecipientInput, 'countries'> & { countries: string };
const blank: Draft = {
  name: '',
  role: 'processor',
  services: '',
  purposes: [],
  categories: [],
  countries: '',
  transferMechanism: null,
  sccDate: null,
  derogation: null,
  dpaSignedAt: null,
  dpaReviewAt: null,
  securityMeasures: '',
  contact: null,
};
const draftOf = (r: Recipient): Draft => ({
  name: r.name,
  role: r.role,
  services: r.services,
  purposes: r.purposes,
  categories: r.categories,
  countries: r.countries.join(', '),
  transferMechanism: r.transferMechanism,
  sccDate: r.sccDate,
  derogation: r.derogation,
  dpaSignedAt: r.dpaSignedAt,
  dpaReviewAt: r.dpaReviewAt,
  securityMeasures: r.securityMeasures,
  contact: r.contact,
});

/** Processors and other recipients (Art. 28, 30(1)(d)): their agreements, transfers and review dates. */
export function ProcessorsPage({ me }: { me: Me }) {
  const mayManage = mayCall(me, updateRecipient);
  const recipients = useQuery({
    queryKey: recipientsKey,
    queryFn: () => api<{ items: Recipient[] }>('GET', '/api/v1/recipients'),
  });
  const [editing, setEditing] = useState<Recipient | 'new' | null>(null);
  return (
    <section aria-labelledby="processors-title">
      <div className="page-top">
        <PageHeading title="Processors and recipients" id="processors-title" />
        {mayManage && !editing && (
          <button type="button" onClick={() => setEditing('new')}>
            Add a processor
          </button>
        )}
      </div>
      {editing && (
        <RecipientForm
          key={editing === 'new' ? 'new' : editing.id}
          recipient={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {recipients.isPending ? (
        <Loading what="the processors" />
      ) : recipients.isError ? (
        <LoadError error={recipients.error} onRetry={() => void recipients.refetch()} />
      ) : recipients.data.items.length === 0 ? (
        <p className="empty">No processor or recipient recorded.</p>
      ) : (
        <div className="table-scroll">
          <table className="register">
            <caption className="visually-hidden">Processors and recipients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Countries</th>
                <th scope="col">Agreement signed</th>
                <th scope="col">Review</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {recipients.data.items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    {r.name}
                    {r.services && <span className="when"> · {r.services}</span>}
                  </th>
                  <td>{humanize(r.role)}</td>
                  <td>
                    {r.countries.join(', ')}
                    {r.thirdCountries.length > 0 && (
                      <span className="when">
                        {' '}
                        · transfer:{' '}
                        {r.transferMechanism ? humanize(r.transferMechanism).toLowerCase() : 'no safeguard'}
                      </span>
                    )}
                  </td>
                  <td>{day(r.dpaSignedAt)}</td>
                  <td>
                    {day(r.dpaReviewAt)}
                    {r.reviewDue && <span className="badge warn">review due</span>}
                  </td>
                  <td>
                    {mayManage && (
                      <button type="button" className="secondary" onClick={() => setEditing(r)}>
                        Edit<span className="visually-hidden"> {r.name}</span>
                      </button>
                    )}
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

function RecipientForm({ recipient, onDone }: { recipient: Recipient | null; onDone: () => void }) {
  const client = useQueryClient();
  const [d, setD] = useState<Draft>(recipient ? draftOf(recipient) : blank);
  const set = (change: Partial<Draft>) => setD((x) => ({ ...x, ...change }));
  const orNull = (v: string) => (v.trim() === '' ? null : v);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        ...d,
        countries: d.countries
          .split(/[\s,]+/)
          .map((c) => c.trim().toUpperCase())
          .filter(Boolean),
        derogation: d.derogation ? orNull(d.derogation) : null,
        contact: d.contact ? orNull(d.contact) : null,
      };
      return recipient
        ? api<Recipient>('PATCH', `/api/v1/recipients/${recipient.id}`, body)
        : api<Recipient>('POST', '/api/v1/recipients', body);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: recipientsKey });
      void client.invalidateQueries({ queryKey: ['privacy', 'dashboard'] });
      onDone();
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/recipients/${recipient!.id}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: recipientsKey });
      onDone();
    },
  });
  const e = save.error;
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="panel step-form" aria-labelledby="recipient-form-title" noValidate>
      <h2 id="recipient-form-title">
        {recipient ? `Edit “${recipient.name}”` : 'Add a processor or recipient'}
      </h2>
      <div className="form-row">
        <Field label="Name" field="body.name" error={e}>
          <input value={d.name} maxLength={200} onChange={(x) => set({ name: x.target.value })} />
        </Field>
        <Field label="Role" field="body.role" error={e}>
          <select value={d.role} onChange={(x) => set({ role: x.target.value as Draft['role'] })}>
            {recipientRoles.map((r) => (
              <option key={r} value={r}>
                {humanize(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Countries" field="body.countries" error={e} hint="ISO codes, e.g. DE, US">
          <input value={d.countries} onChange={(x) => set({ countries: x.target.value })} />
        </Field>
      </div>
      <Field label="Services" field="body.services" error={e}>
        <textarea value={d.services} rows={2} onChange={(x) => set({ services: x.target.value })} />
      </Field>
      <div className="form-row">
        <Field label="Agreement (DPA) signed" field="body.dpaSignedAt" error={e}>
          <input
            type="date"
            value={d.dpaSignedAt ?? ''}
            onChange={(x) => set({ dpaSignedAt: orNull(x.target.value) })}
          />
        </Field>
        <Field label="Review the agreement on" field="body.dpaReviewAt" error={e}>
          <input
            type="date"
            value={d.dpaReviewAt ?? ''}
            onChange={(x) => set({ dpaReviewAt: orNull(x.target.value) })}
          />
        </Field>
        <Field
          label="Transfer safeguard"
          field="body.transferMechanism"
          error={e}
          hint="For countries outside the EEA"
        >
          <select
            value={d.transferMechanism ?? ''}
            onChange={(x) =>
              set({ transferMechanism: (orNull(x.target.value) as Draft['transferMechanism']) ?? null })
            }
          >
            <option value="">None (EEA only)</option>
            {transferMechanisms.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
        </Field>
        {d.transferMechanism === 'standard_contractual_clauses' && (
          <Field label="Clauses signed" field="body.sccDate" error={e}>
            <input
              type="date"
              value={d.sccDate ?? ''}
              onChange={(x) => set({ sccDate: orNull(x.target.value) })}
            />
          </Field>
        )}
      </div>
      {d.transferMechanism === 'art49_derogation' && (
        <Field label="Derogation relied on" field="body.derogation" error={e}>
          <textarea
            value={d.derogation ?? ''}
            rows={2}
            onChange={(x) => set({ derogation: x.target.value })}
          />
        </Field>
      )}
      <Choices
        legend="Purposes"
        options={purposes}
        value={d.purposes}
        onChange={(v) => set({ purposes: v })}
        error={e}
        field="body.purposes"
      />
      <details>
        <summary>Categories of data received ({d.categories.length})</summary>
        <Choices
          legend="Categories of data received"
          options={dataCategories}
          value={d.categories}
          onChange={(v) => set({ categories: v })}
          error={e}
          field="body.categories"
        />
      </details>
      <Field label="Security measures" field="body.securityMeasures" error={e}>
        <textarea
          value={d.securityMeasures}
          rows={2}
          onChange={(x) => set({ securityMeasures: x.target.value })}
        />
      </Field>
      <Field label="Privacy contact" field="body.contact" error={e}>
        <input value={d.contact ?? ''} maxLength={300} onChange={(x) => set({ contact: x.target.value })} />
      </Field>
      <FormError error={e} />
      <FormError error={remove.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : recipient ? 'Save changes' : 'Add'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
        {recipient && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Remove “${recipient.name}” from the register?`)) remove.mutate();
            }}
          >
            Remove
          </button>
        )}
      </div>
    </form>
  );
}
