import type { CustomField, Me, ScoringCondition, ScoringRule, ScoringRun } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { usePipelines } from '../deals/use-board.js';
import { Choices } from '../ui/choices.js';
import { errorText, FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { ContactName } from '../ui/names.js';
import { PageHeading } from '../ui/page-heading.js';
import { tagChoices, useTags } from '../ui/use-tags.js';
import { refusalLabel } from './campaign-labels.js';
import {
  activityTypes,
  type ConditionKind,
  conditionKinds,
  contactSources,
  emptyRule,
  kindWords,
  lifecycleStages,
  type RuleDraft,
  ruleBodyOf,
  ruleDraftOf,
} from './rule-draft.js';

type Rules = { items: ScoringRule[]; rulesVersion: string };

export function describeCondition(c: ScoringCondition): string {
  switch (c.kind) {
    case 'activity':
      return `each ${c.types.join(' or ')} in the last ${c.withinDays} days (up to ${c.maxCount})`;
    case 'lifecycle_stage':
      return `stage ${c.stages.map(humanize).join(' or ')}`;
    case 'source':
      return `source ${c.sources.map(humanize).join(' or ')}`;
    case 'field_present':
      return `${humanize(c.field.replace(/^customFields\./, ''))} holds a value`;
    case 'tag':
      return `carries one of ${c.tagIds.length} tag(s)`;
    case 'open_deal':
      return c.stageIds
        ? `in an open deal at ${c.stageIds.length} stage(s)`
        : c.pipelineId
          ? 'in an open deal of one pipeline'
          : 'in any open deal';
  }
}

/** Lead scoring: the rules, the runs that apply them, and the highest scores. */
export function ScoringPage({ me }: { me: Me }) {
  const mayManage = me.permissions.includes('scoring:manage');
  const rules = useQuery({
    queryKey: ['scoring', 'rules'],
    queryFn: () => api<Rules>('GET', '/api/v1/scoring/rules'),
  });
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  return (
    <section className="marketing-page" aria-labelledby="scoring-title">
      <PageHeading title="Lead scoring" id="scoring-title" />
      <p className="subtitle">
        Rules give points for what is stored in clear. Only people the processing guard allows for profiling
        are scored; anyone who objects loses their score at the next run.
      </p>
      <p role="status" className="status">
        {status}
      </p>
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">Rules</h2>
        {rules.isPending ? (
          <Loading what="the rules" />
        ) : rules.isError ? (
          <LoadError error={rules.error} onRetry={() => void rules.refetch()} />
        ) : (
          <ul className="card-list" aria-label="Scoring rules">
            {rules.data.items.length === 0 && <li className="empty">No rules yet.</li>}
            {rules.data.items.map((r) =>
              editing === r.id ? (
                <li key={r.id}>
                  <RuleForm
                    rule={r}
                    onDone={(message) => {
                      setEditing(null);
                      if (message) setStatus(message);
                    }}
                  />
                </li>
              ) : (
                <RuleRow
                  key={r.id}
                  rule={r}
                  mayManage={mayManage}
                  onEdit={() => setEditing(r.id)}
                  onDeleted={() => setStatus(`The rule ${r.name} was deleted.`)}
                />
              ),
            )}
          </ul>
        )}
      </section>
      {mayManage && <RuleForm onDone={(message) => message && setStatus(message)} />}
      <Runs mayManage={mayManage} />
      <TopScores />
    </section>
  );
}

function RuleRow({
  rule,
  mayManage,
  onEdit,
  onDeleted,
}: {
  rule: ScoringRule;
  mayManage: boolean;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/scoring/rules/${rule.id}`),
    onSuccess: async () => {
      onDeleted();
      await queryClient.invalidateQueries({ queryKey: ['scoring', 'rules'] });
    },
  });
  return (
    <li className="panel">
      <div className="panel-top">
        <h3>{rule.name}</h3>
        <span className={rule.points < 0 ? 'count-badge negative' : 'count-badge'}>
          {rule.points > 0 ? `+${rule.points}` : rule.points} points
        </span>
      </div>
      <p className="label">
        {kindWords[rule.condition.kind]}: {describeCondition(rule.condition)}
        {rule.active ? '' : ' — inactive'}
      </p>
      {mayManage &&
        (confirming ? (
          <fieldset className="confirm-row">
            <legend className="visually-hidden">Delete {rule.name}?</legend>
            <p>Delete the rule {rule.name}? Scores change at the next run.</p>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              Delete<span className="visually-hidden"> {rule.name}</span>
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
            {remove.isError && (
              <p role="alert" className="form-error">
                {errorText(remove.error)}
              </p>
            )}
          </fieldset>
        ) : (
          <div className="actions">
            <button type="button" className="secondary" onClick={onEdit}>
              Edit<span className="visually-hidden"> {rule.name}</span>
            </button>
            <button type="button" className="secondary danger" onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> {rule.name}</span>
            </button>
          </div>
        ))}
    </li>
  );
}

function RuleForm({ rule, onDone }: { rule?: ScoringRule; onDone: (message?: string) => void }) {
  const queryClient = useQueryClient();
  const [d, setD] = useState<RuleDraft>(() => (rule ? ruleDraftOf(rule) : emptyRule()));
  const change = (c: Partial<RuleDraft>) => setD((x) => ({ ...x, ...c }));
  const pipelines = usePipelines();
  const tags = useTags();
  const customFields = useQuery({
    queryKey: ['custom-fields'],
    queryFn: () => api<{ items: CustomField[] }>('GET', '/api/v1/custom-fields'),
  });
  const save = useMutation({
    mutationFn: () =>
      rule
        ? api<ScoringRule>('PATCH', `/api/v1/scoring/rules/${rule.id}`, ruleBodyOf(d))
        : api<ScoringRule>('POST', '/api/v1/scoring/rules', ruleBodyOf(d)),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['scoring', 'rules'] });
      onDone(`The rule ${saved.name} was ${rule ? 'saved' : 'created'}. It counts from the next run.`);
      if (!rule) setD(emptyRule());
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const e = save.error;
  const pipeline = pipelines.data?.items.find((p) => p.id === d.pipelineId);
  const stageOptions = (pipeline ? [pipeline] : (pipelines.data?.items ?? [])).flatMap((p) =>
    p.stages.filter((s) => s.kind === 'open').map((s) => ({ id: s.id, label: `${p.name}: ${s.name}` })),
  );
  const stageLabel = new Map(stageOptions.map((s) => [s.id, s.label]));
  const contactFields = (customFields.data?.items ?? []).filter((f) => f.entity === 'contact');
  const tagList = tagChoices(tags.data?.items, d.tagIds);
  // A tag rule needs tags to choose from; one made earlier stays editable whatever the list holds.
  const kinds = conditionKinds.filter((k) => k !== 'tag' || tagList.options.length > 0 || d.kind === 'tag');
  const titleId = rule ? `edit-rule-${rule.id}` : 'new-rule-title';
  const prefix = rule ? `${rule.name}: ` : '';
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{rule ? `Edit ${rule.name}` : 'New rule'}</h2>
      <form ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId}>
        <div className="two-columns">
          <Field label={`${prefix}Rule name`} field="body.name" error={e}>
            <input
              type="text"
              autoComplete="off"
              value={d.name}
              onChange={(x) => change({ name: x.target.value })}
            />
          </Field>
          <Field
            label={`${prefix}Points`}
            field="body.points"
            error={e}
            hint="Per match (per activity); negative lowers the score"
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={d.points}
              onChange={(x) => change({ points: x.target.value })}
            />
          </Field>
          <Field label={`${prefix}Condition`} field="body.condition.kind" error={e}>
            <select value={d.kind} onChange={(x) => change({ kind: x.target.value as ConditionKind })}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {kindWords[k]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {d.kind === 'activity' && (
          <div className="two-columns">
            <Choices
              legend="Activity types"
              options={activityTypes}
              value={d.types}
              onChange={(types) => change({ types })}
              error={e}
              field="body.condition.types"
            />
            <Field label="Within the last … days" field="body.condition.withinDays" error={e}>
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={d.withinDays}
                onChange={(x) => change({ withinDays: x.target.value })}
              />
            </Field>
            <Field label="Counted up to … times" field="body.condition.maxCount" error={e}>
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={d.maxCount}
                onChange={(x) => change({ maxCount: x.target.value })}
              />
            </Field>
          </div>
        )}
        {d.kind === 'lifecycle_stage' && (
          <Choices
            legend="Lifecycle stages (any of)"
            options={lifecycleStages}
            value={d.stages}
            onChange={(stages) => change({ stages })}
            error={e}
            field="body.condition.stages"
          />
        )}
        {d.kind === 'source' && (
          <Choices
            legend="Sources (any of)"
            options={contactSources}
            value={d.sources}
            onChange={(sources) => change({ sources })}
            error={e}
            field="body.condition.sources"
          />
        )}
        {d.kind === 'field_present' && (
          <Field
            label="Field"
            field="body.condition.field"
            error={e}
            hint="Only whether it holds a value counts, never the value"
          >
            <select value={d.field} onChange={(x) => change({ field: x.target.value })}>
              <option value="jobTitle">Job title</option>
              <option value="firstName">First name</option>
              <option value="lastName">Last name</option>
              {contactFields.map((f) => (
                <option key={f.key} value={`customFields.${f.key}`}>
                  {f.label}
                </option>
              ))}
            </select>
          </Field>
        )}
        {d.kind === 'open_deal' && (
          <div className="two-columns">
            <Field label="Pipeline" field="body.condition.pipelineId" error={e}>
              <select
                value={d.pipelineId}
                onChange={(x) => change({ pipelineId: x.target.value, stageIds: [] })}
              >
                <option value="">Any pipeline</option>
                {(pipelines.data?.items ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </Field>
            {stageOptions.length > 0 && (
              <Choices
                legend="At these stages (none: any open stage)"
                options={stageOptions.map((s) => s.id)}
                value={d.stageIds}
                onChange={(stageIds) => change({ stageIds })}
                error={e}
                field="body.condition.stageIds"
                labelOf={(id) => stageLabel.get(id) ?? 'A removed stage'}
              />
            )}
          </div>
        )}
        {d.kind === 'tag' && (
          <Choices
            legend="Carries one of these tags"
            options={tagList.options}
            value={d.tagIds}
            onChange={(tagIds) => change({ tagIds })}
            error={e}
            field="body.condition.tagIds"
            labelOf={tagList.labelOf}
          />
        )}
        <label className="check">
          <input type="checkbox" checked={d.active} onChange={(x) => change({ active: x.target.checked })} />{' '}
          Active (used by the next run)
        </label>
        <FormError error={e} />
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : rule ? 'Save rule' : 'Add rule'}
          </button>
          {rule && (
            <button type="button" className="secondary" onClick={() => onDone()}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/** The latest runs; while one runs the list is asked again every second. */
function Runs({ mayManage }: { mayManage: boolean }) {
  const queryClient = useQueryClient();
  // The runs already finished when a new one was asked for: a finished run not among them is the new one.
  const [finishedBefore, setFinishedBefore] = useState<Set<string> | null>(null);
  const waiting = finishedBefore !== null;
  const runs = useQuery({
    queryKey: ['scoring', 'runs'],
    queryFn: () => api<{ items: ScoringRun[] }>('GET', '/api/v1/scoring/runs?limit=5'),
    refetchInterval: (q) =>
      waiting || q.state.data?.items.some((r) => r.status === 'running') ? 1000 : false,
  });
  const start = useMutation({
    mutationFn: () => api<{ queued: true }>('POST', '/api/v1/scoring/runs'),
    onMutate: () =>
      setFinishedBefore(
        new Set((runs.data?.items ?? []).filter((r) => r.status === 'finished').map((r) => r.id)),
      ),
    onError: () => setFinishedBefore(null),
  });
  const items = runs.data?.items;
  useEffect(() => {
    if (finishedBefore && items?.some((r) => r.status === 'finished' && !finishedBefore.has(r.id))) {
      setFinishedBefore(null);
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'scores'] });
    }
  }, [finishedBefore, items, queryClient]);
  return (
    <section className="panel" aria-labelledby="runs-title">
      <div className="panel-top">
        <h2 id="runs-title">Runs</h2>
        {mayManage && (
          <button type="button" disabled={start.isPending || waiting} onClick={() => start.mutate()}>
            {waiting ? 'Scoring…' : 'Score everyone now'}
          </button>
        )}
      </div>
      {start.isError && (
        <p role="alert" className="form-error">
          {errorText(start.error)}
        </p>
      )}
      {runs.isPending ? (
        <Loading what="the runs" />
      ) : runs.isError ? (
        <LoadError error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.items.length === 0 ? (
        <p className="empty">No run yet.</p>
      ) : (
        <ul className="runs" aria-live="polite">
          {runs.data.items.map((r) => (
            <li key={r.id}>
              <strong>{r.status === 'running' ? 'Running' : 'Finished'}</strong> — started{' '}
              {formatDateTime(r.startedAt)}: {r.scored} scored
              {Object.entries(r.refused).map(([reason, n]) => `, ${n} refused (${refusalLabel(reason)})`)}
              {r.deleted > 0 ? `, ${r.deleted} scores deleted` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type TopScores = {
  items: { contactId: string; score: number; computedAt: string }[];
  restricted: string[];
};

function TopScores() {
  const scores = useQuery({
    queryKey: ['scoring', 'scores'],
    // Scores are kept for profiling: they are read under that purpose, not the role's default one.
    queryFn: () =>
      api<TopScores>('GET', '/api/v1/scoring/scores?limit=20', undefined, { purpose: 'profiling' }),
  });
  return (
    <section className="panel" aria-labelledby="scores-title">
      <h2 id="scores-title">Top scores</h2>
      {scores.isPending ? (
        <Loading what="the scores" />
      ) : scores.isError ? (
        <LoadError error={scores.error} onRetry={() => void scores.refetch()} />
      ) : scores.data.restricted.includes('score') ? (
        <p className="restricted">Scores are restricted for your role or purpose.</p>
      ) : scores.data.items.length === 0 ? (
        <p className="empty">No scores yet: add rules and run them.</p>
      ) : (
        <ol className="top-scores">
          {scores.data.items.map((s) => (
            <li key={s.contactId}>
              <span className="score">{s.score}</span> <ContactName id={s.contactId} />{' '}
              <span className="label">({formatDateTime(s.computedAt)})</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
