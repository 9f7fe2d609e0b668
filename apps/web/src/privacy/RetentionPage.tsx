import {
  actionsOf,
  type CreateRetentionPolicyInput,
  dataCategories,
  lifecycleStages,
  type Me,
  periodUnits,
  purposes,
  type RetentionPolicy,
  type RetentionPreview,
  type RetentionRun,
  type RetentionTarget,
  retentionTargets,
  startRetentionRun,
  triggersOf,
  updateRetentionPolicy,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { Choices } from '../ui/choices.js';
import { FieldError, FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { tagChoices, useTags } from '../ui/use-tags.js';
import { mayCall } from './PrivacyDesk.js';

const policiesKey = ['privacy', 'retention', 'policies'] as const;
const runsKey = ['privacy', 'retention', 'runs'] as const;

type Draft = Omit<CreateRetentionPolicyInput, 'shortenedReason'> & { shortenedReason: string };

const blank: Draft = {
  name: '',
  description: '',
  target: 'contact',
  trigger: 'created',
  period: { amount: 24, unit: 'months' },
  action: 'crypto_shred',
  purposes: [],
  lifecycleStages: [],
  categories: [],
  onlyWithoutConsent: false,
  exemptions: { tagIds: [], openDeals: false },
  shortenedReason: '',
  enabled: true,
};

const draftOf = (p: RetentionPolicy): Draft => ({
  name: p.name,
  description: p.description,
  target: p.target,
  trigger: p.trigger,
  period: p.period,
  action: p.action,
  purposes: p.purposes,
  lifecycleStages: p.lifecycleStages,
  categories: p.categories,
  onlyWithoutConsent: p.onlyWithoutConsent,
  exemptions: p.exemptions,
  shortenedReason: p.shortenedReason ?? '',
  enabled: p.enabled,
});

const periodText = (p: RetentionPolicy['period']) =>
  `${p.amount} ${p.amount === 1 ? p.unit.slice(0, -1) : p.unit}`;

/** Retention policies with their dry run, the sweeps that ran, and a sweep on demand. */
export function RetentionPage({ me }: { me: Me }) {
  const mayManage = mayCall(me, updateRetentionPolicy);
  const policies = useQuery({
    queryKey: policiesKey,
    queryFn: () => api<{ items: RetentionPolicy[] }>('GET', '/api/v1/retention/policies'),
  });
  const [editing, setEditing] = useState<RetentionPolicy | 'new' | null>(null);
  const [preview, setPreview] = useState<{ policyIds?: string[]; label: string } | null>(null);
  return (
    <section aria-labelledby="retention-title">
      <div className="page-top">
        <PageHeading title="Retention" id="retention-title" />
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() => setPreview({ label: 'every enabled policy' })}
          >
            Preview the next sweep
          </button>
          {mayManage && (
            <button type="button" onClick={() => setEditing('new')}>
              New policy
            </button>
          )}
        </div>
      </div>
      {editing && (
        <PolicyForm
          key={editing === 'new' ? 'new' : editing.id}
          policy={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setPreview({ policyIds: [saved.id], label: saved.name });
          }}
        />
      )}
      {preview && <PreviewPanel {...preview} onClose={() => setPreview(null)} />}
      <h2>Policies</h2>
      {policies.isPending ? (
        <Loading what="the retention policies" />
      ) : policies.isError ? (
        <LoadError error={policies.error} onRetry={() => void policies.refetch()} />
      ) : policies.data.items.length === 0 ? (
        <p className="empty">No retention policy yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="register">
            <caption className="visually-hidden">Retention policies</caption>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Records</th>
                <th scope="col">Rule</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {policies.data.items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.name}
                    {p.description && <span className="when"> · {p.description}</span>}
                  </th>
                  <td>
                    {humanize(p.target)}
                    {p.lifecycleStages.length > 0 && (
                      <span className="when"> ({p.lifecycleStages.join(', ')})</span>
                    )}
                  </td>
                  <td>
                    {humanize(p.action)} {periodText(p.period)} after {humanize(p.trigger).toLowerCase()}
                    {p.purposes.length > 0 && (
                      <span className="when"> · {p.purposes.map(humanize).join(', ')}</span>
                    )}
                  </td>
                  <td>{p.enabled ? 'Enabled' : <span className="badge">Disabled</span>}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => setPreview({ policyIds: [p.id], label: p.name })}
                    >
                      Preview<span className="visually-hidden"> {p.name}</span>
                    </button>
                    {mayManage && (
                      <button type="button" className="secondary" onClick={() => setEditing(p)}>
                        Edit<span className="visually-hidden"> {p.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RunsPanel mayRun={mayCall(me, startRetentionRun)} />
    </section>
  );
}

function PolicyForm({
  policy,
  onDone,
}: {
  policy: RetentionPolicy | null;
  onDone: (saved: RetentionPolicy | null) => void;
}) {
  const client = useQueryClient();
  const [d, setD] = useState<Draft>(policy ? draftOf(policy) : blank);
  const set = (change: Partial<Draft>) => setD((x) => ({ ...x, ...change }));
  const save = useMutation({
    mutationFn: () => {
      const { target, ...rest } = d;
      const body = { ...rest, shortenedReason: d.shortenedReason.trim() || null };
      return policy
        ? api<RetentionPolicy>('PATCH', `/api/v1/retention/policies/${policy.id}`, body)
        : api<RetentionPolicy>('POST', '/api/v1/retention/policies', { ...body, target });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: policiesKey });
      void client.invalidateQueries({ queryKey: ['privacy', 'dashboard'] });
      onDone(saved);
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/v1/retention/policies/${policy!.id}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: policiesKey });
      onDone(null);
    },
  });
  const e = save.error;
  const tags = useTags();
  const exemptTags = tagChoices(tags.data?.items, d.exemptions.tagIds);
  const changeTarget = (target: RetentionTarget) =>
    set({
      target,
      trigger: triggersOf[target][0],
      action: actionsOf[target][0],
      ...(target === 'contact' ? {} : { lifecycleStages: [], onlyWithoutConsent: false }),
    });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate();
  };
  const title = policy ? `Edit “${policy.name}”` : 'New retention policy';
  return (
    <form
      onSubmit={submit}
      className="panel step-form policy-form"
      aria-labelledby="policy-form-title"
      noValidate
    >
      <h2 id="policy-form-title">{title}</h2>
      <Field label="Name" field="body.name" error={e}>
        <input value={d.name} maxLength={120} required onChange={(x) => set({ name: x.target.value })} />
      </Field>
      <Field label="Description" field="body.description" error={e}>
        <textarea value={d.description} rows={2} onChange={(x) => set({ description: x.target.value })} />
      </Field>
      <div className="form-row">
        <Field label="Records" field="body.target" error={e} hint={policy ? 'Fixed once created' : undefined}>
          <select
            value={d.target}
            disabled={policy !== null}
            onChange={(x) => changeTarget(x.target.value as RetentionTarget)}
          >
            {retentionTargets.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Clock starts at" field="body.trigger" error={e}>
          <select value={d.trigger} onChange={(x) => set({ trigger: x.target.value as Draft['trigger'] })}>
            {triggersOf[d.target].map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Period" field="body.period.amount" error={e}>
          <input
            type="number"
            min={1}
            max={1200}
            value={Number.isNaN(d.period.amount) ? '' : d.period.amount}
            onChange={(x) => set({ period: { ...d.period, amount: x.target.valueAsNumber } })}
          />
        </Field>
        <Field label="Unit" field="body.period.unit" error={e}>
          <select
            value={d.period.unit}
            onChange={(x) =>
              set({ period: { ...d.period, unit: x.target.value as Draft['period']['unit'] } })
            }
          >
            {periodUnits.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Then" field="body.action" error={e}>
          <select value={d.action} onChange={(x) => set({ action: x.target.value as Draft['action'] })}>
            {actionsOf[d.target].map((a) => (
              <option key={a} value={a}>
                {humanize(a)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Choices
        legend="Purposes (whose data it ends; for consent triggers, whose consent counts)"
        options={purposes}
        value={d.purposes}
        onChange={(v) => set({ purposes: v })}
        error={e}
        field="body.purposes"
      />
      {d.target === 'contact' && (
        <Choices
          legend="Lifecycle stages (none: all)"
          options={lifecycleStages}
          value={d.lifecycleStages}
          onChange={(v) => set({ lifecycleStages: v })}
          error={e}
          field="body.lifecycleStages"
        />
      )}
      {d.action === 'delete_fields' && (
        <Choices
          legend="Categories whose fields are emptied"
          options={dataCategories}
          value={d.categories}
          onChange={(v) => set({ categories: v })}
          error={e}
          field="body.categories"
        />
      )}
      {d.target === 'contact' && (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={d.onlyWithoutConsent}
              onChange={(x) => set({ onlyWithoutConsent: x.target.checked })}
            />{' '}
            Only people with no consent given or pending
          </label>
          <FieldError error={e} field="body.onlyWithoutConsent" />
          <label className="check">
            <input
              type="checkbox"
              checked={d.exemptions.openDeals}
              onChange={(x) => set({ exemptions: { ...d.exemptions, openDeals: x.target.checked } })}
            />{' '}
            Leave alone people in an open deal
          </label>
          {exemptTags.options.length > 0 && (
            <Choices
              legend="Leave alone people tagged with any of"
              options={exemptTags.options}
              value={d.exemptions.tagIds}
              onChange={(tagIds) => set({ exemptions: { ...d.exemptions, tagIds } })}
              error={e}
              field="body.exemptions.tagIds"
              labelOf={exemptTags.labelOf}
            />
          )}
          <FieldError error={e} field="body.exemptions" />
        </>
      )}
      <Field
        label="Reason for a period shorter than the legal minimum"
        field="body.shortenedReason"
        error={e}
        hint="Only when the policy ends data kept for a legal obligation sooner than the law asks"
      >
        <textarea
          value={d.shortenedReason}
          rows={2}
          onChange={(x) => set({ shortenedReason: x.target.value })}
        />
      </Field>
      <label className="check">
        <input type="checkbox" checked={d.enabled} onChange={(x) => set({ enabled: x.target.checked })} />{' '}
        Enabled (the sweep applies it)
      </label>
      <FormError error={e} />
      <FormError error={remove.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : policy ? 'Save changes' : 'Create policy'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
        {policy && (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete the policy “${policy.name}”? Past runs keep their counts.`))
                remove.mutate();
            }}
          >
            Delete policy
          </button>
        )}
      </div>
    </form>
  );
}

function PreviewPanel({
  policyIds,
  label,
  onClose,
}: {
  policyIds?: string[];
  label: string;
  onClose: () => void;
}) {
  const preview = useQuery({
    queryKey: ['privacy', 'retention', 'preview', policyIds ?? 'enabled'],
    queryFn: () =>
      api<RetentionPreview>('POST', '/api/v1/retention/preview', {
        ...(policyIds ? { policyIds } : {}),
        limit: 20,
      }),
  });
  return (
    <section className="panel preview" aria-labelledby="preview-title" aria-live="polite">
      <div className="page-top">
        <h2 id="preview-title">Dry run: {label}</h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close the dry run
        </button>
      </div>
      {preview.isPending ? (
        <Loading what="the dry run" />
      ) : preview.isError ? (
        <LoadError error={preview.error} onRetry={() => void preview.refetch()} />
      ) : preview.data.policies.length === 0 ? (
        <p className="empty">No enabled policy to apply.</p>
      ) : (
        <>
          <p className="status">
            What a sweep would do as of {formatDateTime(preview.data.asOf)}; nothing was changed.
          </p>
          <div className="table-scroll">
            <table className="register">
              <caption className="visually-hidden">What the sweep would do per policy</caption>
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">Would handle</th>
                  <th scope="col">Held</th>
                  <th scope="col">Exempt</th>
                  <th scope="col">Oldest trigger</th>
                  <th scope="col">Data that would go</th>
                </tr>
              </thead>
              <tbody>
                {preview.data.policies.map((p) => (
                  <tr key={p.policyId}>
                    <th scope="row">
                      {p.name}
                      <span className="when">
                        {' '}
                        · {humanize(p.action).toLowerCase()} {p.target}s
                      </span>
                    </th>
                    <td data-label="Would handle">{p.due}</td>
                    <td data-label="Held">{p.held}</td>
                    <td data-label="Exempt">{p.exempt}</td>
                    <td data-label="Oldest trigger">
                      {p.oldestTriggeredAt ? formatDate(p.oldestTriggeredAt) : '—'}
                    </td>
                    <td data-label="Data that would go">
                      {p.categories.length === 0
                        ? '—'
                        : p.categories.map((c) => `${humanize(c.category)} (${c.records})`).join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview.data.items.length > 0 && (
            <details>
              <summary>
                The records ({preview.data.items.length}
                {preview.data.itemsTruncated ? ' first' : ''})
              </summary>
              <ul className="plain facts">
                {preview.data.items.map((i) => (
                  <li key={`${i.policyId}-${i.id}`}>
                    {humanize(i.target)} <code>{i.id.slice(0, 8)}</code>: {humanize(i.trigger).toLowerCase()}{' '}
                    {formatDate(i.triggeredAt)}, due {formatDate(i.dueAt)}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  );
}

function RunsPanel({ mayRun }: { mayRun: boolean }) {
  const client = useQueryClient();
  const runs = useQuery({
    queryKey: runsKey,
    queryFn: () => api<{ items: RetentionRun[] }>('GET', '/api/v1/retention/runs?limit=20'),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'running') ? 2000 : false),
  });
  const start = useMutation({
    mutationFn: () => api<{ queued: true }>('POST', '/api/v1/retention/runs', {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: runsKey }),
  });
  return (
    <section aria-labelledby="runs-title">
      <div className="page-top">
        <h2 id="runs-title">Sweeps</h2>
        {mayRun && (
          <button
            type="button"
            className="secondary"
            disabled={start.isPending}
            onClick={() => start.mutate()}
          >
            {start.isPending ? 'Queuing…' : 'Run a sweep now'}
          </button>
        )}
      </div>
      <FormError error={start.error} />
      {start.isSuccess && (
        <p role="status" className="status">
          A sweep is queued; it shows here once it starts.
        </p>
      )}
      {runs.isPending ? (
        <Loading what="the sweeps" />
      ) : runs.isError ? (
        <LoadError error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.items.length === 0 ? (
        <p className="empty">No sweep has run yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="register">
            <caption className="visually-hidden">The latest sweeps</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">By</th>
                <th scope="col">Handled</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => {
                const sum = (k: 'done' | 'held' | 'exempt' | 'failed') =>
                  r.policies.reduce((n, p) => n + p[k], 0);
                return (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.startedAt)}</td>
                    <td>{humanize(r.status)}</td>
                    <td>{humanize(r.origin)}</td>
                    <td>
                      {sum('done')} done, {sum('held')} held, {sum('exempt')} exempt
                      {sum('failed') > 0 && (
                        <strong className="clock-overdue">, {sum('failed')} failed</strong>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
