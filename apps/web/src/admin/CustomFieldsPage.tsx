import {
  type CustomField,
  customFieldEntities,
  customFieldTypes,
  type DataCategory,
  type DefineCustomFieldInput,
  dataCategories,
  type Me,
  type Purpose,
  purposes,
  type SpecialKind,
  specialKinds,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api.js';
import { FormError, fieldIssue, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

type Entity = (typeof customFieldEntities)[number];
type FieldType = (typeof customFieldTypes)[number];
type Form = {
  entity: Entity;
  key: string;
  label: string;
  type: FieldType;
  options: string;
  /** No default: whoever defines a field says whether it holds personal data. */
  personal: '' | 'yes' | 'no';
  category: '' | DataCategory;
  specialKind: '' | SpecialKind;
  purposes: Purpose[];
};
const emptyForm: Form = {
  entity: 'contact',
  key: '',
  label: '',
  type: 'text',
  options: '',
  personal: '',
  category: '',
  specialKind: '',
  purposes: [],
};

const categoryLabels: Record<DataCategory, string> = {
  identity: 'Identity',
  contact: 'Contact details',
  location: 'Location',
  online_identifier: 'Online identifier',
  financial: 'Financial',
  professional: 'Professional',
  behavioural: 'Behavioural',
  special: 'Special category (GDPR Art. 9)',
  children: "Children's data",
};

/** Refused here, in the server's words and shape, before anything is sent. */
const unclassified = () =>
  new ApiError({
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    code: 'validation_failed',
    detail: 'The field was not created: it is not classified',
    requestId: '',
    errors: [{ field: 'body.personal', issue: 'say whether the field holds personal data' }],
  });

function toBody(form: Form): DefineCustomFieldInput {
  const personal = form.personal === 'yes';
  const options = form.options
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    entity: form.entity,
    key: form.key.trim(),
    label: form.label,
    type: form.type,
    personal,
    ...(form.type === 'select' || options.length > 0 ? { options } : {}),
    ...(personal && form.category ? { category: form.category } : {}),
    ...(personal && form.category === 'special' && form.specialKind ? { specialKind: form.specialKind } : {}),
    ...(form.purposes.length > 0 ? { purposes: form.purposes } : {}),
  };
}

export function CustomFieldsPage({ me }: { me: Me }) {
  const fields = useQuery({
    queryKey: ['custom-fields'],
    queryFn: () => api<{ items: CustomField[] }>('GET', '/api/v1/custom-fields'),
  });
  return (
    <section className="admin-page" aria-labelledby="fields-title">
      <PageHeading title="Custom fields" id="fields-title" />
      <p className="hint">
        Every custom field is classified like the built-in ones: personal fields are encrypted per person,
        masked for roles without the right to see their category, exported and erased with the person.
      </p>
      {fields.isPending ? (
        <Loading what="custom fields" />
      ) : fields.isError ? (
        <LoadError error={fields.error} onRetry={() => void fields.refetch()} />
      ) : fields.data.items.length === 0 ? (
        <p className="empty">No custom fields yet.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section className="table-scroll" aria-label="Custom fields" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Custom fields with their classification</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">On</th>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Personal data</th>
                <th scope="col">Purposes</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {fields.data.items.map((f) => (
                <tr key={f.id}>
                  <th scope="row">{f.label}</th>
                  <td>{humanize(f.entity)}</td>
                  <td>
                    <code>{f.key}</code>
                  </td>
                  <td>
                    {humanize(f.type)}
                    {f.options && <span className="label"> ({f.options.join(', ')})</span>}
                  </td>
                  <td>
                    {f.personal ? (
                      <>
                        {f.category ? categoryLabels[f.category] : 'Yes'}
                        {f.specialKind && <span className="badge warn">{humanize(f.specialKind)}</span>}
                      </>
                    ) : (
                      'No'
                    )}
                  </td>
                  <td>{f.purposes.length === 0 ? '—' : f.purposes.map(humanize).join(', ')}</td>
                  <td>{formatDate(f.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {me.permissions.includes('fields:manage') && <NewFieldForm />}
    </section>
  );
}

function NewFieldForm() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(emptyForm);
  const [created, setCreated] = useState<string | null>(null);
  const [localError, setLocalError] = useState<ApiError | null>(null);
  const create = useMutation({
    mutationFn: () => api<CustomField>('POST', '/api/v1/custom-fields', toBody(form)),
    onSuccess: (field) => {
      setCreated(`The field ${field.label} was added to ${field.entity}s.`);
      setForm(emptyForm);
      void queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
    },
  });
  const error = localError ?? create.error;
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);
  const set = (change: Partial<Form>) => {
    setCreated(null);
    setForm((f) => ({ ...f, ...change }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.personal) {
      setLocalError(unclassified());
      return;
    }
    setLocalError(null);
    create.mutate();
  };
  const personalIssue = fieldIssue(error, 'body.personal');
  const purposesIssue = fieldIssue(error, 'body.purposes');
  return (
    <section aria-labelledby="new-field-title" className="panel">
      <h2 id="new-field-title">New custom field</h2>
      <form
        ref={formRef}
        onSubmit={submit}
        noValidate
        aria-labelledby="new-field-title"
        className="admin-form"
      >
        <Field label="On" field="body.entity" error={error}>
          <select value={form.entity} onChange={(e) => set({ entity: e.target.value as Entity })}>
            {customFieldEntities.map((x) => (
              <option key={x} value={x}>
                {humanize(x)}s
              </option>
            ))}
          </select>
        </Field>
        <Field label="Label" field="body.label" error={error}>
          <input
            type="text"
            autoComplete="off"
            value={form.label}
            onChange={(e) => set({ label: e.target.value })}
          />
        </Field>
        <Field
          label="Key"
          field="body.key"
          error={error}
          hint="Used in the API: lower-case letters, digits and _"
        >
          <input
            type="text"
            autoComplete="off"
            value={form.key}
            onChange={(e) => set({ key: e.target.value })}
          />
        </Field>
        <Field label="Type" field="body.type" error={error}>
          <select value={form.type} onChange={(e) => set({ type: e.target.value as FieldType })}>
            {customFieldTypes.map((x) => (
              <option key={x} value={x}>
                {humanize(x)}
              </option>
            ))}
          </select>
        </Field>
        {form.type === 'select' && (
          <Field label="Options" field="body.options" error={error} hint="Separated by commas">
            <input
              type="text"
              autoComplete="off"
              value={form.options}
              onChange={(e) => set({ options: e.target.value })}
            />
          </Field>
        )}
        <fieldset
          className="wide"
          aria-invalid={personalIssue ? true : undefined}
          aria-describedby={personalIssue ? 'personal-error' : 'personal-hint'}
        >
          <legend>Does it hold personal data?</legend>
          <span className="hint" id="personal-hint">
            Required. Anything about an identifiable person is personal data; deals hold none.
          </span>
          <div className="radio-row">
            <label>
              <input
                type="radio"
                name="personal"
                value="yes"
                checked={form.personal === 'yes'}
                onChange={() => set({ personal: 'yes' })}
              />
              Yes, personal data
            </label>
            <label>
              <input
                type="radio"
                name="personal"
                value="no"
                checked={form.personal === 'no'}
                onChange={() => set({ personal: 'no', category: '', specialKind: '' })}
              />
              No, business data only
            </label>
          </div>
          {personalIssue && (
            <span className="field-error" id="personal-error">
              {personalIssue}
            </span>
          )}
        </fieldset>
        {form.personal === 'yes' && (
          <Field label="Category" field="body.category" error={error} hint="Required for personal data">
            <select
              value={form.category}
              onChange={(e) => set({ category: e.target.value as Form['category'] })}
            >
              <option value="">Choose a category…</option>
              {dataCategories.map((c) => (
                <option key={c} value={c}>
                  {categoryLabels[c]}
                </option>
              ))}
            </select>
          </Field>
        )}
        {form.personal === 'yes' && form.category === 'special' && (
          <Field label="Special category kind" field="body.specialKind" error={error} hint="GDPR Art. 9(1)">
            <select
              value={form.specialKind}
              onChange={(e) => set({ specialKind: e.target.value as Form['specialKind'] })}
            >
              <option value="">Choose a kind…</option>
              {specialKinds.map((k) => (
                <option key={k} value={k}>
                  {humanize(k)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <fieldset className="wide" aria-describedby={purposesIssue ? 'purposes-error' : 'purposes-hint'}>
          <legend>Purposes that may use it</legend>
          <span className="hint" id="purposes-hint">
            Optional: without a choice, the purposes of the customer relationship (sales, support, contract).
          </span>
          <div className="choice-grid">
            {purposes.map((p) => (
              <label key={p}>
                <input
                  type="checkbox"
                  checked={form.purposes.includes(p)}
                  onChange={(e) =>
                    set({
                      purposes: e.target.checked
                        ? [...form.purposes, p]
                        : form.purposes.filter((x) => x !== p),
                    })
                  }
                />
                {humanize(p)}
              </label>
            ))}
          </div>
          {purposesIssue && (
            <span className="field-error" id="purposes-error">
              {purposesIssue}
            </span>
          )}
        </fieldset>
        <FormError error={error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add the field'}
          </button>
          <p role="status" className="status">
            {created}
          </p>
        </div>
      </form>
    </section>
  );
}
