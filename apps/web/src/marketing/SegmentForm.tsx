import { purposes, type Segment, type SegmentFilter } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { usePipelines } from '../deals/use-board.js';
import { Choices } from '../ui/choices.js';
import { errorText, FormError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { humanize } from '../ui/format.js';
import { useDebounced } from '../ui/use-debounced.js';
import { tagChoices, useTags } from '../ui/use-tags.js';
import {
  consentStatuses,
  contactSources,
  draftOf,
  emptyDraft,
  filterOf,
  lifecycleStages,
  type SegmentDraft,
} from './segment-draft.js';

/** Creates a segment, or edits the one given; the count of the filter as built is shown live. */
export function SegmentForm({ segment, onDone }: { segment?: Segment; onDone: (message?: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [draft, setDraft] = useState<SegmentDraft>(() => (segment ? draftOf(segment.filter) : emptyDraft()));
  const change = (c: Partial<SegmentDraft>) => setDraft((d) => ({ ...d, ...c }));
  const filter = filterOf(draft);
  const settled = useDebounced(JSON.stringify(filter), 300);
  const preview = useQuery({
    queryKey: ['segment-preview', settled],
    // A count only (limit 0): the builder needs no one's name.
    queryFn: () =>
      api<{ count: number }>('POST', '/api/v1/segments/preview', {
        filter: JSON.parse(settled) as SegmentFilter,
        limit: 0,
      }),
    retry: false,
    placeholderData: (previous) => previous,
  });
  const save = useMutation({
    mutationFn: () =>
      segment
        ? api<Segment>('PATCH', `/api/v1/segments/${segment.id}`, { name, description, filter })
        : api<Segment>('POST', '/api/v1/segments', { name, description, filter }),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['segments'] });
      onDone(`The segment ${saved.name} was ${segment ? 'saved' : 'created'}.`);
      if (!segment) {
        setName('');
        setDescription('');
        setDraft(emptyDraft());
      }
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const pipelines = usePipelines();
  const stageOptions = (pipelines.data?.items ?? []).flatMap((p) =>
    p.stages.map((s) => ({ id: s.id, label: `${p.name}: ${s.name}` })),
  );
  const stageLabel = new Map(stageOptions.map((s) => [s.id, s.label]));
  const tags = useTags();
  const anyOf = tagChoices(tags.data?.items, draft.tagIds);
  const noneOf = tagChoices(tags.data?.items, draft.excludeTagIds);
  // The save's problem names the fields; before saving, the preview's does (same contract, `body.filter.…`).
  const error = save.error ?? preview.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const titleId = segment ? `edit-segment-${segment.id}` : 'new-segment-title';
  const prefix = segment ? `${segment.name}: ` : '';
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{segment ? `Edit ${segment.name}` : 'New segment'}</h2>
      <form ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId} className="builder">
        <div className="two-columns">
          <Field label={`${prefix}Segment name`} field="body.name" error={save.error}>
            <input type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={`${prefix}Description`} field="body.description" error={save.error}>
            <input
              type="text"
              autoComplete="off"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
        </div>
        <fieldset className="rules">
          <legend>Who is in it (all conditions must hold; none means everyone)</legend>
          <Choices
            legend="Lifecycle stage (any of)"
            options={lifecycleStages}
            value={draft.stages}
            onChange={(stages) => change({ stages })}
            error={error}
            field="body.filter.lifecycleStages"
          />
          <Choices
            legend="Source (any of)"
            options={contactSources}
            value={draft.sources}
            onChange={(sources) => change({ sources })}
            error={error}
            field="body.filter.sources"
          />
          <div className="consent-rule">
            <Field
              label="Consent for the purpose"
              field="body.filter.consent.purpose"
              error={error}
              hint="The person's consent state for one purpose"
            >
              <select
                value={draft.consentPurpose}
                onChange={(e) => change({ consentPurpose: e.target.value as SegmentDraft['consentPurpose'] })}
              >
                <option value="">Any (no consent condition)</option>
                {purposes.map((p) => (
                  <option key={p} value={p}>
                    {humanize(p)}
                  </option>
                ))}
              </select>
            </Field>
            {draft.consentPurpose && (
              <Choices
                legend="Consent state (any of)"
                options={consentStatuses}
                value={draft.consentStatuses}
                onChange={(consentStatuses) => change({ consentStatuses })}
                error={error}
                field="body.filter.consent.statuses"
                labelOf={(s) => (s === 'none' ? 'Never asked' : humanize(s))}
              />
            )}
          </div>
          <div className="two-columns">
            <Field label="E-mail address" field="body.filter.hasEmail" error={error}>
              <select
                value={draft.hasEmail}
                onChange={(e) => change({ hasEmail: e.target.value as SegmentDraft['hasEmail'] })}
              >
                <option value="">With or without</option>
                <option value="yes">Has an e-mail address</option>
                <option value="no">Has no e-mail address</option>
              </select>
            </Field>
            <Field
              label="Active within the last … days"
              field="body.filter.activeWithinDays"
              error={error}
              hint="An activity in that time"
            >
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={draft.activeWithinDays}
                onChange={(e) => change({ activeWithinDays: e.target.value })}
              />
            </Field>
            <Field
              label="Inactive for … days"
              field="body.filter.inactiveForDays"
              error={error}
              hint="No activity in that time (never active counts)"
            >
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={draft.inactiveForDays}
                onChange={(e) => change({ inactiveForDays: e.target.value })}
              />
            </Field>
            <Field label="Created from" field="body.filter.createdFrom" error={error}>
              <input
                type="date"
                value={draft.createdFrom}
                onChange={(e) => change({ createdFrom: e.target.value })}
              />
            </Field>
            <Field label="Created until" field="body.filter.createdTo" error={error}>
              <input
                type="date"
                value={draft.createdTo}
                onChange={(e) => change({ createdTo: e.target.value })}
              />
            </Field>
          </div>
          {stageOptions.length > 0 && (
            <Choices
              legend="In a deal at one of these stages"
              options={stageOptions.map((s) => s.id)}
              value={draft.dealStageIds}
              onChange={(dealStageIds) => change({ dealStageIds })}
              error={error}
              field="body.filter.dealStageIds"
              labelOf={(id) => stageLabel.get(id) ?? 'A removed stage'}
            />
          )}
          {anyOf.options.length > 0 && (
            <Choices
              legend="Tagged with any of"
              options={anyOf.options}
              value={draft.tagIds}
              onChange={(tagIds) => change({ tagIds })}
              error={error}
              field="body.filter.tagIds"
              labelOf={anyOf.labelOf}
            />
          )}
          {noneOf.options.length > 0 && (
            <Choices
              legend="Tagged with none of"
              options={noneOf.options}
              value={draft.excludeTagIds}
              onChange={(excludeTagIds) => change({ excludeTagIds })}
              error={error}
              field="body.filter.excludeTagIds"
              labelOf={noneOf.labelOf}
            />
          )}
          {Object.keys(draft.kept).length > 0 && (
            <p className="hint">
              This segment also has conditions set through the API (owners, companies or custom fields); they
              are kept as they are.
            </p>
          )}
        </fieldset>
        <output className="preview-count" aria-live="polite">
          {preview.isError ? (
            <span className="form-error">No count: {errorText(preview.error)}</span>
          ) : preview.data === undefined ? (
            'Counting…'
          ) : (
            <>
              Matches <strong>{preview.data.count}</strong>{' '}
              {preview.data.count === 1 ? 'contact' : 'contacts'}
              {preview.isFetching ? ' (counting…)' : ''}
            </>
          )}
        </output>
        <FormError error={save.error} />
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : segment ? 'Save segment' : 'Create segment'}
          </button>
          {segment && (
            <button type="button" className="secondary" onClick={() => onDone()}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
