import { type CreateDealInput, createDealBody, type Deal, type Pipeline } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api.js';
import { FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { parseMoney } from '../ui/money.js';
import { boardKey } from './use-board.js';

type Form = { title: string; stageId: string; amount: string; currency: string; expectedCloseDate: string };

/** An amount the form cannot read is refused here, in the server's words and shape, next to its field. */
function amountProblem(): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    code: 'validation_failed',
    detail: 'The deal was not created',
    requestId: '',
    errors: [{ field: 'body.amountMinor', issue: 'must be an amount such as 1200.50' }],
  });
}

/** The create contract's fields; blanks are left out so the server judges. */
function toBody(form: Form, pipelineId: string): CreateDealInput {
  const body: CreateDealInput = { title: form.title, pipelineId, stageId: form.stageId };
  const currency = form.currency.trim().toUpperCase();
  if (form.amount.trim()) {
    const minor = parseMoney(form.amount, currency || 'EUR');
    if (minor === null) throw amountProblem();
    body.amountMinor = minor;
  }
  if (currency) body.currency = currency;
  if (form.expectedCloseDate) body.expectedCloseDate = form.expectedCloseDate;
  return body;
}

export function NewDealForm({ pipeline, onDone }: { pipeline: Pipeline; onDone: () => void }) {
  const queryClient = useQueryClient();
  const firstOpen = pipeline.stages.find((s) => s.kind === 'open') ?? pipeline.stages[0];
  const [form, setForm] = useState<Form>({
    title: '',
    stageId: firstOpen?.id ?? '',
    amount: '',
    currency: 'EUR',
    expectedCloseDate: '',
  });
  const set = (change: Partial<Form>) => setForm({ ...form, ...change });
  const create = useMutation({
    mutationFn: async () => api<Deal>('POST', '/api/v1/deals', toBody(form, pipeline.id)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: boardKey(pipeline.id) });
      onDone();
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, []);
  // After a refusal, focus goes to the first field at fault, so its message is read out.
  useEffect(() => {
    if (create.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [create.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const maxTitle = createDealBody.shape.title.unwrap().unwrap().maxLength ?? 200;
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="New deal" className="panel new-deal">
      <Field label="Title" field="body.title" error={create.error}>
        <input
          type="text"
          autoComplete="off"
          maxLength={maxTitle}
          value={form.title}
          onChange={(e) => set({ title: e.target.value })}
        />
      </Field>
      <Field label="Stage" field="body.stageId" error={create.error}>
        <select value={form.stageId} onChange={(e) => set({ stageId: e.target.value })}>
          {pipeline.stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Amount" field="body.amountMinor" error={create.error} hint="Optional, e.g. 1200.50">
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={form.amount}
          onChange={(e) => set({ amount: e.target.value })}
        />
      </Field>
      <Field label="Currency" field="body.currency" error={create.error} hint="ISO code">
        <input
          type="text"
          autoComplete="off"
          maxLength={3}
          value={form.currency}
          onChange={(e) => set({ currency: e.target.value })}
        />
      </Field>
      <Field label="Expected close" field="body.expectedCloseDate" error={create.error}>
        <input
          type="date"
          value={form.expectedCloseDate}
          onChange={(e) => set({ expectedCloseDate: e.target.value })}
        />
      </Field>
      <FormError error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create deal'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
