import { type Contact, type CreateContactInput, lifecycleStages } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { Link, navigate } from '../router.js';
import { FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

type Stage = (typeof lifecycleStages)[number];

/** The form's fields as the create contract names them; blanks are left out so the server judges. */
function toBody(form: { firstName: string; lastName: string; email: string; lifecycleStage: Stage }) {
  const body: CreateContactInput = { source: 'manual', lifecycleStage: form.lifecycleStage };
  if (form.firstName.trim()) body.firstName = form.firstName;
  if (form.lastName.trim()) body.lastName = form.lastName;
  if (form.email.trim()) body.emails = [{ value: form.email.trim(), primary: true }];
  return body;
}

export function NewContactPage() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    firstName: '',
    lastName: '',
    email: '',
    lifecycleStage: 'lead' as Stage,
  });
  const create = useMutation({
    mutationFn: () => api<Contact>('POST', '/api/v1/contacts', toBody(form)),
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      queryClient.setQueryData(['contact', contact.id], contact);
      navigate(`/contacts/${contact.id}`);
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  // After a refusal, focus goes to the first field the server named, so its message is read out.
  useEffect(() => {
    if (create.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [create.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  // Field-level issues are shown next to their field; the summary names the problem as a whole.
  return (
    <section className="narrow">
      <p className="breadcrumb">
        <Link to="/contacts">Contacts</Link>
      </p>
      <PageHeading title="New contact" />
      <form ref={formRef} onSubmit={submit} noValidate aria-label="New contact">
        <Field label="First name" field="body.firstName" error={create.error}>
          <input
            type="text"
            autoComplete="off"
            value={form.firstName}
            onChange={(e) => setForm({ ...form, firstName: e.target.value })}
          />
        </Field>
        <Field label="Last name" field="body.lastName" error={create.error}>
          <input
            type="text"
            autoComplete="off"
            value={form.lastName}
            onChange={(e) => setForm({ ...form, lastName: e.target.value })}
          />
        </Field>
        <Field label="E-mail" field="body.emails.0.value" error={create.error}>
          <input
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </Field>
        <Field label="Lifecycle stage" field="body.lifecycleStage" error={create.error}>
          <select
            value={form.lifecycleStage}
            onChange={(e) => setForm({ ...form, lifecycleStage: e.target.value as Stage })}
          >
            {lifecycleStages.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </Field>
        <FormError error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create contact'}
          </button>
          <Link to="/contacts" className="button secondary">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
