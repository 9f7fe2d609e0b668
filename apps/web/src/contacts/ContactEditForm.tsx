import {
  type Company,
  type Contact,
  type ContactCorrectionsInput,
  type CustomField,
  lifecycleStages,
  type UpdateContactInput,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api.js';
import { FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { humanize, isRestricted } from '../ui/format.js';
import { Restricted } from '../ui/restricted.js';

type Stage = (typeof lifecycleStages)[number];
type Entry = { value: string; label: string };
type Address = {
  label: string;
  street: string;
  postalCode: string;
  city: string;
  region: string;
  country: string;
};
type Form = {
  firstName: string;
  lastName: string;
  jobTitle: string;
  dateOfBirth: string;
  emails: Entry[];
  phones: Entry[];
  addresses: Address[];
  companyId: string;
  lifecycleStage: Stage;
  tags: string;
  customFields: Record<string, string | boolean>;
};

const text = (v: string | null | undefined) => v ?? '';
const blankOut = (v: string) => (v.trim() ? v.trim() : null);
const optional = (v: string) => (v.trim() ? v.trim() : undefined);

function toForm(c: Contact): Form {
  return {
    firstName: text(c.firstName),
    lastName: text(c.lastName),
    jobTitle: text(c.jobTitle),
    dateOfBirth: text(c.dateOfBirth),
    emails: c.emails.map((e) => ({ value: e.value, label: text(e.label) })),
    phones: c.phones.map((p) => ({ value: p.value, label: text(p.label) })),
    addresses: c.addresses.map((a) => ({
      label: text(a.label),
      street: text(a.street),
      postalCode: text(a.postalCode),
      city: text(a.city),
      region: text(a.region),
      country: text(a.country),
    })),
    companyId: text(c.companyId),
    lifecycleStage: c.lifecycleStage,
    tags: c.tags.join(', '),
    customFields: Object.fromEntries(
      Object.entries(c.customFields).map(([k, v]) => [
        k,
        typeof v === 'boolean' ? v : v === null ? '' : String(v),
      ]),
    ),
  };
}

const entries = (list: Entry[]) =>
  list
    .filter((e) => e.value.trim())
    .map((e, i) => ({
      value: e.value.trim(),
      ...(e.label.trim() ? { label: e.label.trim() } : {}),
      primary: i === 0,
    }));

/**
 * The PATCH body: only the fields that changed (the server replaces what it is sent), and never a field
 * masked for this caller — those are not in the form at all.
 */
function toBody(before: Form, form: Form, hidden: Set<string>, fields: CustomField[]): UpdateContactInput {
  const body: UpdateContactInput = {};
  const changed = <K extends keyof Form>(k: K) =>
    !hidden.has(k) && JSON.stringify(before[k]) !== JSON.stringify(form[k]);
  if (changed('firstName')) body.firstName = blankOut(form.firstName);
  if (changed('lastName')) body.lastName = blankOut(form.lastName);
  if (changed('jobTitle')) body.jobTitle = blankOut(form.jobTitle);
  if (changed('dateOfBirth')) body.dateOfBirth = blankOut(form.dateOfBirth);
  if (changed('emails')) body.emails = entries(form.emails);
  if (changed('phones')) body.phones = entries(form.phones);
  if (changed('addresses'))
    body.addresses = form.addresses
      .map((a) => ({
        label: optional(a.label),
        street: optional(a.street),
        postalCode: optional(a.postalCode),
        city: optional(a.city),
        region: optional(a.region),
        country: optional(a.country.toUpperCase()),
      }))
      .filter((a) => Object.values(a).some(Boolean));
  if (changed('companyId')) body.companyId = form.companyId || null;
  if (changed('lifecycleStage')) body.lifecycleStage = form.lifecycleStage;
  if (changed('tags'))
    body.tags = form.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  const custom: NonNullable<UpdateContactInput['customFields']> = {};
  for (const [key, value] of Object.entries(form.customFields)) {
    if (hidden.has(`customFields.${key}`) || before.customFields[key] === value) continue;
    const type = fields.find((f) => f.key === key)?.type;
    if (typeof value === 'boolean') custom[key] = value;
    else if (!value.trim()) custom[key] = null;
    else custom[key] = type === 'number' && Number.isFinite(Number(value)) ? Number(value) : value.trim();
  }
  if (Object.keys(custom).length > 0) body.customFields = custom;
  return body;
}

/**
 * A rectification (Art. 16) fulfilled with this form: only the personal fields are offered, the changed ones
 * go to `submit` as the corrections, and the server's issues under `body.corrections.` show at their field.
 */
export interface Correction {
  submitLabel: string;
  submit(corrections: ContactCorrectionsInput): Promise<unknown>;
}

const correctionFields = new Set([
  'firstName',
  'lastName',
  'emails',
  'phones',
  'addresses',
  'jobTitle',
  'dateOfBirth',
  'customFields',
]);

/** The fulfil endpoint's issues (`body.corrections.emails.0.value`) at the form's fields (`body.emails.0.value`). */
function asFormError(error: Error | null): Error | null {
  if (!(error instanceof ApiError) || !error.problem.errors) return error;
  return new ApiError({
    ...error.problem,
    errors: error.problem.errors.map((e) => ({
      ...e,
      field: e.field.replace(/^body\.corrections\./, 'body.'),
    })),
  });
}

/**
 * Edits the contact in place of its details; masked fields stay masked and cannot be changed. With
 * `correction`, it is the form of a rectification request instead.
 */
export function ContactEditForm({
  contact,
  onDone,
  correction,
}: {
  contact: Contact;
  onDone: () => void;
  correction?: Correction;
}) {
  const queryClient = useQueryClient();
  const hidden = new Set(contact.restricted);
  const [before] = useState(() => toForm(contact));
  const [form, setForm] = useState(before);
  const set = (change: Partial<Form>) => setForm((f) => ({ ...f, ...change }));
  const companies = useQuery({
    queryKey: ['companies', 'choices'],
    queryFn: () => api<{ items: Company[] }>('GET', '/api/v1/companies?limit=200'),
    staleTime: 60_000,
  });
  const customFields = useQuery({
    queryKey: ['custom-fields', 'contact'],
    queryFn: () => api<{ items: CustomField[] }>('GET', '/api/v1/custom-fields?entity=contact'),
    staleTime: 60_000,
  });
  const fields = customFields.data?.items ?? [];
  const save = useMutation({
    mutationFn: async () => {
      const body = toBody(before, form, hidden, fields);
      if (correction) {
        const corrections = Object.fromEntries(
          Object.entries(body).filter(([k]) => correctionFields.has(k)),
        ) as ContactCorrectionsInput;
        // An empty correction goes too: the server says what is missing, next to the form.
        await correction.submit(corrections);
        return null;
      }
      if (Object.keys(body).length === 0) return contact;
      return api<Contact>('PATCH', `/api/v1/contacts/${contact.id}`, body);
    },
    onSuccess: (saved) => {
      if (saved) queryClient.setQueryData(['contact', contact.id], saved);
      else void queryClient.invalidateQueries({ queryKey: ['contact', contact.id] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onDone();
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, []);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const err = asFormError(save.error);
  const textField = (key: 'firstName' | 'lastName' | 'jobTitle', label: string) =>
    hidden.has(key) ? (
      <MaskedField label={label} />
    ) : (
      <Field label={label} field={`body.${key}`} error={err}>
        <input
          type="text"
          autoComplete="off"
          value={form[key]}
          onChange={(e) => set({ [key]: e.target.value })}
        />
      </Field>
    );
  const customKeys = [...new Set([...fields.map((f) => f.key), ...Object.keys(form.customFields)])];
  const companyChoices = companies.data?.items ?? [];

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      aria-label={correction ? 'Corrections' : 'Edit contact'}
      className="edit-contact"
    >
      {textField('firstName', 'First name')}
      {textField('lastName', 'Last name')}
      {hidden.has('emails') ? (
        <MaskedField label="E-mail" />
      ) : (
        <EntryEditor
          legend="E-mail addresses"
          kind="E-mail"
          field="emails"
          type="email"
          list={form.emails}
          error={err}
          onChange={(emails) => set({ emails })}
        />
      )}
      {hidden.has('phones') ? (
        <MaskedField label="Phone" />
      ) : (
        <EntryEditor
          legend="Phone numbers"
          kind="Phone"
          field="phones"
          type="tel"
          list={form.phones}
          error={err}
          onChange={(phones) => set({ phones })}
        />
      )}
      {hidden.has('addresses') ? (
        <MaskedField label="Address" />
      ) : (
        <fieldset>
          <legend>Addresses</legend>
          {form.addresses.map((a, i) => {
            const change = (c: Partial<Address>) =>
              set({ addresses: form.addresses.map((x, j) => (j === i ? { ...x, ...c } : x)) });
            const n = i + 1;
            return (
              <div key={i} className="entry-group">
                {(['label', 'street', 'postalCode', 'city', 'region', 'country'] as const).map((part) => (
                  <Field
                    key={part}
                    label={`Address ${n} ${part === 'postalCode' ? 'postal code' : part}`}
                    field={`body.addresses.${i}.${part}`}
                    error={err}
                    hint={part === 'country' ? 'Two-letter code such as DE' : undefined}
                  >
                    <input
                      type="text"
                      autoComplete="off"
                      maxLength={part === 'country' ? 2 : undefined}
                      value={a[part]}
                      onChange={(e) => change({ [part]: e.target.value })}
                    />
                  </Field>
                ))}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => set({ addresses: form.addresses.filter((_, j) => j !== i) })}
                >
                  Remove address {n}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              set({
                addresses: [
                  ...form.addresses,
                  { label: '', street: '', postalCode: '', city: '', region: '', country: '' },
                ],
              })
            }
          >
            Add an address
          </button>
        </fieldset>
      )}
      {textField('jobTitle', 'Job title')}
      {hidden.has('dateOfBirth') ? (
        <MaskedField label="Date of birth" />
      ) : (
        <Field label="Date of birth" field="body.dateOfBirth" error={err}>
          <input
            type="date"
            value={form.dateOfBirth}
            onChange={(e) => set({ dateOfBirth: e.target.value })}
          />
        </Field>
      )}
      {!correction && (
        <>
          <Field
            label="Company"
            field="body.companyId"
            error={err ?? companies.error}
            anyError={companies.isError}
          >
            <select value={form.companyId} onChange={(e) => set({ companyId: e.target.value })}>
              <option value="">No company</option>
              {before.companyId && !companyChoices.some((c) => c.id === before.companyId) && (
                <option value={before.companyId}>The current company</option>
              )}
              {companyChoices.map((c) => (
                <option key={c.id} value={c.id}>
                  {isRestricted(c.name) ? 'Company (name restricted)' : c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Lifecycle stage" field="body.lifecycleStage" error={err}>
            <select
              value={form.lifecycleStage}
              onChange={(e) => set({ lifecycleStage: e.target.value as Stage })}
            >
              {lifecycleStages.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Tags" field="body.tags" error={err} hint="Separated by commas">
            <input
              type="text"
              autoComplete="off"
              value={form.tags}
              onChange={(e) => set({ tags: e.target.value })}
            />
          </Field>
        </>
      )}
      {customKeys.map((key) => {
        const def = fields.find((f) => f.key === key);
        const label = def?.label ?? humanize(key);
        if (hidden.has(`customFields.${key}`) || isRestricted(form.customFields[key]))
          return <MaskedField key={key} label={label} />;
        const value = form.customFields[key] ?? (def?.type === 'boolean' ? false : '');
        const setValue = (v: string | boolean) => set({ customFields: { ...form.customFields, [key]: v } });
        return (
          <Field key={key} label={label} field={`body.customFields.${key}`} error={err}>
            {def?.type === 'boolean' ? (
              <select
                value={value === true ? 'yes' : 'no'}
                onChange={(e) => setValue(e.target.value === 'yes')}
              >
                <option value="no">No</option>
                <option value="yes">Yes</option>
              </select>
            ) : def?.type === 'select' ? (
              <select value={String(value)} onChange={(e) => setValue(e.target.value)}>
                <option value="">—</option>
                {(def.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type={def?.type === 'date' ? 'date' : 'text'}
                inputMode={def?.type === 'number' ? 'decimal' : undefined}
                autoComplete="off"
                value={String(value)}
                onChange={(e) => setValue(e.target.value)}
              />
            )}
          </Field>
        );
      })}
      <FormError error={err} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : (correction?.submitLabel ?? 'Save changes')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function MaskedField({ label }: { label: string }) {
  return (
    <div className="field">
      <span className="label">{label}</span> <Restricted />
    </div>
  );
}

function EntryEditor({
  legend,
  kind,
  field,
  type,
  list,
  error,
  onChange,
}: {
  legend: string;
  kind: string;
  field: 'emails' | 'phones';
  type: 'email' | 'tel';
  list: Entry[];
  error: unknown;
  onChange: (list: Entry[]) => void;
}) {
  const change = (i: number, c: Partial<Entry>) =>
    onChange(list.map((x, j) => (j === i ? { ...x, ...c } : x)));
  return (
    <fieldset>
      <legend>{legend}</legend>
      {list.map((entry, i) => (
        <div key={i} className="entry-row">
          <Field
            label={`${kind} ${i + 1}`}
            field={`body.${field}.${i}.value`}
            error={error}
            hint={i === 0 ? 'The first is the primary one' : undefined}
          >
            <input
              type={type}
              autoComplete="off"
              value={entry.value}
              onChange={(e) => change(i, { value: e.target.value })}
            />
          </Field>
          <Field label={`${kind} ${i + 1} label`} field={`body.${field}.${i}.label`} error={error}>
            <input
              type="text"
              autoComplete="off"
              value={entry.label}
              onChange={(e) => change(i, { label: e.target.value })}
            />
          </Field>
          <button
            type="button"
            className="secondary"
            onClick={() => onChange(list.filter((_, j) => j !== i))}
          >
            Remove {kind.toLowerCase()} {i + 1}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...list, { value: '', label: '' }])}
      >
        Add {kind === 'E-mail' ? 'an e-mail address' : 'a phone number'}
      </button>
    </fieldset>
  );
}
