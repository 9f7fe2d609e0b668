import { type Campaign, mergeFields, type Purpose, purposes } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { Link } from '../router.js';
import { FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { humanize } from '../ui/format.js';
import { usePurposes, useSegments } from './use-marketing.js';

const mergeHint = `Merge fields: ${mergeFields.map((f) => `{{${f}}}`).join(', ')}`;

/** Drafts a campaign, or changes the draft given. The server judges every field and says which is wrong. */
export function CampaignForm({
  campaign,
  onDone,
}: {
  campaign?: Campaign;
  onDone: (saved?: Campaign) => void;
}) {
  const queryClient = useQueryClient();
  const segments = useSegments();
  const purposeRecords = usePurposes();
  const [name, setName] = useState(campaign?.name ?? '');
  const [subject, setSubject] = useState(campaign?.subject ?? '');
  const [text, setText] = useState(campaign?.text ?? '');
  const [html, setHtml] = useState(campaign?.html ?? '');
  const [segmentId, setSegmentId] = useState(campaign?.segmentId ?? '');
  const [purpose, setPurpose] = useState<Purpose>(campaign?.purpose ?? 'marketing_email');
  const [tracking, setTracking] = useState(campaign?.tracking ?? false);
  const save = useMutation({
    mutationFn: () => {
      const body = { name, subject, text, html, purpose, tracking, ...(segmentId ? { segmentId } : {}) };
      return campaign
        ? api<Campaign>('PATCH', `/api/v1/campaigns/${campaign.id}`, body)
        : api<Campaign>('POST', '/api/v1/campaigns', body);
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(['campaign', saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      onDone(saved);
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const nameOf = new Map((purposeRecords.data?.items ?? []).map((p) => [p.key, p.name] as const));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const titleId = campaign ? 'edit-campaign-title' : 'new-campaign-title';
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{campaign ? 'Edit the draft' : 'New campaign'}</h2>
      <form ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId}>
        <div className="two-columns">
          <Field label="Campaign name" field="body.name" error={save.error}>
            <input type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field
            label="Segment"
            field="body.segmentId"
            error={save.error}
            hint={
              segments.data?.items.length === 0 ? (
                <>
                  No segments yet: <Link to="/segments">create one</Link>.
                </>
              ) : undefined
            }
          >
            <select value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
              <option value="">{segments.isPending ? 'Loading segments…' : 'Choose a segment'}</option>
              {(segments.data?.items ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.count})
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Purpose"
            field="body.purpose"
            error={save.error}
            hint="Every recipient is checked against it when the mail goes out"
          >
            <select value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
              {purposes.map((p) => (
                <option key={p} value={p}>
                  {nameOf.get(p) ?? humanize(p)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label="Subject" field="body.subject" error={save.error} hint={mergeHint}>
          <input
            type="text"
            autoComplete="off"
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
          />
        </Field>
        <Field label="Text body" field="body.text" error={save.error} hint={mergeHint}>
          <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <Field
          label="HTML body (optional)"
          field="body.html"
          error={save.error}
          hint={`${mergeHint}; values are escaped`}
        >
          <textarea rows={4} value={html} onChange={(e) => setHtml(e.target.value)} />
        </Field>
        <Field
          label="Track opens and clicks"
          field="body.tracking"
          error={save.error}
          hint="Only for people who consented to e-mail tracking"
        >
          <input
            type="checkbox"
            className="inline-check"
            checked={tracking}
            onChange={(e) => setTracking(e.target.checked)}
          />
        </Field>
        <FormError error={save.error} />
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : campaign ? 'Save draft' : 'Create draft'}
          </button>
          {campaign && (
            <button type="button" className="secondary" onClick={() => onDone()}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
