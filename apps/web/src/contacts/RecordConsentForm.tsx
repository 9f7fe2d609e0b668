import {
  type CollectionMethod,
  type ConsentEvent,
  type ConsentEventKind,
  collectionMethods,
  type Notice,
  type Purpose,
  type PurposeRecord,
  type purposeFlagKinds,
  purposes,
  type RecordConsentEventInput,
  subjectFlagKinds,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, humanize } from '../ui/format.js';

/** The choices staff record by hand; pending, confirmed and expired come from double opt-in and the clock. */
type Choice =
  | Extract<ConsentEventKind, 'given' | 'refused' | 'withdrawn'>
  | (typeof purposeFlagKinds)[number]
  | (typeof subjectFlagKinds)[number];
const choiceLabels: Record<Choice, string> = {
  given: 'Consent given',
  refused: 'Consent refused',
  withdrawn: 'Consent withdrawn',
  objected: 'Objection to processing',
  objection_withdrawn: 'Objection withdrawn',
  restricted: 'Processing restricted',
  restriction_lifted: 'Restriction lifted',
  sale_sharing_opted_out: 'Opted out of sale or sharing',
  sale_sharing_opted_in: 'Opted back in to sale or sharing',
  sensitive_use_limited: 'Limited the use of sensitive information',
  sensitive_use_unlimited: 'Lifted the limit on sensitive information',
};
const choices = Object.keys(choiceLabels) as Choice[];
const withNotice = (c: Choice) => c === 'given' || c === 'refused';
const forPerson = (c: Choice) => (subjectFlagKinds as readonly string[]).includes(c);

type Form = {
  kind: Choice;
  purpose: Purpose;
  noticeId: string;
  language: string;
  method: CollectionMethod;
  source: string;
  note: string;
};

function toBody(form: Form): RecordConsentEventInput {
  const proof = {
    method: form.method,
    ...(form.source.trim() ? { source: form.source.trim() } : {}),
    ...(form.note.trim() ? { note: form.note.trim() } : {}),
  };
  if (form.kind === 'given' || form.kind === 'refused')
    return {
      kind: form.kind,
      purpose: form.purpose,
      noticeId: form.noticeId,
      language: form.language,
      ...proof,
    };
  if (form.kind === 'withdrawn') return { kind: 'withdrawn', purpose: form.purpose, ...proof };
  if (forPerson(form.kind)) return { kind: form.kind as (typeof subjectFlagKinds)[number], ...proof };
  return { kind: form.kind as (typeof purposeFlagKinds)[number], purpose: form.purpose, ...proof };
}

/**
 * Records a choice the person made (on the phone, on paper, in a meeting) in the ledger, with its proof:
 * how it was collected, where, a note, and — for consent given or refused — the notice version shown.
 */
export function RecordConsentForm({
  contactId,
  purposeRecords,
}: {
  contactId: string;
  purposeRecords: PurposeRecord[];
}) {
  const queryClient = useQueryClient();
  const notices = useQuery({
    queryKey: ['notices'],
    queryFn: () => api<{ items: Notice[] }>('GET', '/api/v1/notices'),
    staleTime: 60_000,
  });
  const [form, setForm] = useState<Form>({
    kind: 'given',
    purpose: purposes[0],
    noticeId: '',
    language: '',
    method: 'verbal',
    source: '',
    note: '',
  });
  const [recorded, setRecorded] = useState<string | null>(null);
  // The versions that cover the purpose, newest first: the first is the one in force.
  const versions = (notices.data?.items ?? []).filter((n) => n.purposes.includes(form.purpose));
  const notice = versions.find((n) => n.id === form.noticeId) ?? versions[0];
  const languages = notice?.texts.map((t) => t.language) ?? [];
  const noticeId = notice?.id ?? '';
  const language = languages.includes(form.language) ? form.language : (languages[0] ?? '');
  const set = (change: Partial<Form>) => {
    setRecorded(null);
    setForm((f) => ({ ...f, ...change }));
  };
  const record = useMutation({
    mutationFn: () =>
      api<ConsentEvent>(
        'POST',
        `/api/v1/contacts/${contactId}/consents/events`,
        toBody({ ...form, noticeId, language }),
      ),
    onSuccess: () => {
      setRecorded(`${choiceLabels[form.kind]} recorded.`);
      setForm((f) => ({ ...f, source: '', note: '' }));
      void queryClient.invalidateQueries({ queryKey: ['contact', contactId, 'consents'] });
      void queryClient.invalidateQueries({ queryKey: ['contact', contactId, 'consent-events'] });
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (record.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [record.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate();
  };
  const err = record.error;
  const nameOf = (p: Purpose) => purposeRecords.find((r) => r.key === p)?.name ?? humanize(p);

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      aria-labelledby="record-consent-title"
      className="record-consent"
    >
      <h3 id="record-consent-title">Record a choice</h3>
      <div className="field-pair">
        <Field label="Choice" field="body.kind" error={err}>
          <select value={form.kind} onChange={(e) => set({ kind: e.target.value as Choice })}>
            {choices.map((c) => (
              <option key={c} value={c}>
                {choiceLabels[c]}
              </option>
            ))}
          </select>
        </Field>
        {!forPerson(form.kind) && (
          <Field label="Purpose" field="body.purpose" error={err}>
            <select
              value={form.purpose}
              onChange={(e) => set({ purpose: e.target.value as Purpose, noticeId: '' })}
            >
              {purposes.map((p) => (
                <option key={p} value={p}>
                  {nameOf(p)}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {withNotice(form.kind) &&
        (notices.isPending ? (
          <Loading what="notices" />
        ) : notices.isError ? (
          <LoadError error={notices.error} onRetry={() => void notices.refetch()} />
        ) : (
          <div className="field-pair">
            <Field
              label="Notice shown"
              field="body.noticeId"
              error={err}
              hint={
                versions.length === 0
                  ? 'No notice covers this purpose yet: publish one first.'
                  : 'The newest is in force'
              }
            >
              <select value={noticeId} onChange={(e) => set({ noticeId: e.target.value })}>
                {versions.length === 0 && <option value="">No notice</option>}
                {versions.map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.name} v{n.version} ({formatDate(n.publishedAt)})
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Language shown" field="body.language" error={err}>
              <select value={language} onChange={(e) => set({ language: e.target.value })}>
                {languages.length === 0 && <option value="">—</option>}
                {languages.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        ))}
      <div className="field-pair">
        <Field label="How it was collected" field="body.method" error={err}>
          <select value={form.method} onChange={(e) => set({ method: e.target.value as CollectionMethod })}>
            {collectionMethods.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Source" field="body.source" error={err} hint="Optional: a form id or paper reference">
          <input
            type="text"
            autoComplete="off"
            value={form.source}
            onChange={(e) => set({ source: e.target.value })}
          />
        </Field>
      </div>
      <Field
        label="Proof note"
        field="body.note"
        error={err}
        hint="Optional: what was said or signed, and where it is kept"
      >
        <input
          type="text"
          autoComplete="off"
          value={form.note}
          onChange={(e) => set({ note: e.target.value })}
        />
      </Field>
      <FormError error={err} />
      <div className="actions">
        <button type="submit" disabled={record.isPending}>
          {record.isPending ? 'Recording…' : 'Record choice'}
        </button>
        <p role="status" className="status">
          {recorded}
        </p>
      </div>
    </form>
  );
}
