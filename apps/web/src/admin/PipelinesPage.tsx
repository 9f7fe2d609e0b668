import { type Me, type Pipeline, type PipelineInput, stageKinds } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { usePipelines } from '../deals/use-board.js';
import { Link } from '../router.js';
import { FormError, fieldIssue, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

type Kind = (typeof stageKinds)[number];
type StageRow = { key: string; id?: string; name: string; probability: string; kind: Kind };

let rowCounter = 0;
const newRow = (name = '', probability = '10', kind: Kind = 'open'): StageRow => ({
  key: `new-${++rowCounter}`,
  name,
  probability,
  kind,
});
const rowsOf = (p: Pipeline): StageRow[] =>
  p.stages.map((s) => ({
    key: s.id,
    id: s.id,
    name: s.name,
    probability: String(s.probability),
    kind: s.kind,
  }));

function toBody(name: string, rows: StageRow[]): PipelineInput {
  return {
    name,
    stages: rows.map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      name: r.name,
      // A number the server judges; text that is no number goes as NaN's stand-in -1, refused by its range.
      probability: /^\d+$/.test(r.probability.trim()) ? Number(r.probability) : -1,
      kind: r.kind,
    })),
  };
}

export function PipelinesPage({ me }: { me: Me }) {
  const pipelines = usePipelines();
  const mayManage = me.permissions.includes('pipelines:manage');
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section className="admin-page" aria-labelledby="pipelines-title">
      <PageHeading title="Pipelines" id="pipelines-title" />
      {pipelines.isPending ? (
        <Loading what="pipelines" />
      ) : pipelines.isError ? (
        <LoadError error={pipelines.error} onRetry={() => void pipelines.refetch()} />
      ) : (
        <div className="pipeline-list">
          {pipelines.data.items.length === 0 && <p className="empty">No pipelines yet.</p>}
          {pipelines.data.items.map((p) =>
            editing === p.id ? (
              <PipelineForm key={p.id} pipeline={p} onDone={() => setEditing(null)} />
            ) : (
              <section key={p.id} className="panel" aria-labelledby={`pipeline-${p.id}`}>
                <div className="panel-top">
                  <h2 id={`pipeline-${p.id}`}>{p.name}</h2>
                  <div className="actions">
                    <Link to={`/pipelines/${p.id}`}>Open the board</Link>
                    {mayManage && (
                      <button type="button" className="secondary" onClick={() => setEditing(p.id)}>
                        Edit<span className="visually-hidden"> {p.name}</span>
                      </button>
                    )}
                  </div>
                </div>
                <ol className="stage-path" aria-label={`Stages of ${p.name}`}>
                  {p.stages.map((s) => (
                    <li key={s.id}>
                      {s.name}{' '}
                      <span className="label">
                        ({s.probability}%{s.kind !== 'open' ? `, ${s.kind}` : ''})
                      </span>
                    </li>
                  ))}
                </ol>
              </section>
            ),
          )}
        </div>
      )}
      {mayManage && <PipelineForm />}
    </section>
  );
}

/** Creates a pipeline, or (with one given) renames it and adds, renames, reorders or removes stages. */
function PipelineForm({ pipeline, onDone }: { pipeline?: Pipeline; onDone?: () => void }) {
  const queryClient = useQueryClient();
  const initial = () =>
    pipeline
      ? rowsOf(pipeline)
      : [newRow('Qualify', '20'), newRow('Won', '100', 'won'), newRow('Lost', '0', 'lost')];
  const [name, setName] = useState(pipeline?.name ?? '');
  const [rows, setRows] = useState<StageRow[]>(initial);
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      pipeline
        ? api<Pipeline>('PUT', `/api/v1/pipelines/${pipeline.id}`, toBody(name, rows))
        : api<Pipeline>('POST', '/api/v1/pipelines', toBody(name, rows)),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['pipelines'] });
      if (onDone) onDone();
      else {
        setDone(`The pipeline ${saved.name} was created.`);
        setName('');
        setRows(initial());
      }
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const change = (i: number, c: Partial<StageRow>) =>
    setRows((r) => r.map((x, j) => (j === i ? { ...x, ...c } : x)));
  const move = (i: number, by: -1 | 1) =>
    setRows((r) => {
      const next = [...r];
      const [row] = next.splice(i, 1);
      next.splice(i + by, 0, row!);
      return next;
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate();
  };
  const stagesIssue = fieldIssue(save.error, 'body.stages');
  const title = pipeline ? `Edit ${pipeline.name}` : 'New pipeline';
  const titleId = pipeline ? `edit-pipeline-${pipeline.id}` : 'new-pipeline-title';
  return (
    <section aria-labelledby={titleId} className="panel">
      <h2 id={titleId}>{title}</h2>
      <form ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId}>
        <Field label="Pipeline name" field="body.name" error={save.error}>
          <input type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset className="plain-fieldset">
          <legend>Stages, in board order</legend>
          {stagesIssue && (
            <p className="field-error" role="alert">
              {stagesIssue}
            </p>
          )}
          <ol className="stage-rows">
            {rows.map((r, i) => (
              <li key={r.key}>
                <Field label={`Stage ${i + 1} name`} field={`body.stages.${i}.name`} error={save.error}>
                  <input
                    type="text"
                    autoComplete="off"
                    value={r.name}
                    onChange={(e) => change(i, { name: e.target.value })}
                  />
                </Field>
                <Field
                  label={`Stage ${i + 1} probability (%)`}
                  field={`body.stages.${i}.probability`}
                  error={save.error}
                >
                  <input
                    type="text"
                    inputMode="numeric"
                    autoComplete="off"
                    value={r.probability}
                    onChange={(e) => change(i, { probability: e.target.value })}
                  />
                </Field>
                <Field label={`Stage ${i + 1} kind`} field={`body.stages.${i}.kind`} error={save.error}>
                  <select value={r.kind} onChange={(e) => change(i, { kind: e.target.value as Kind })}>
                    {stageKinds.map((k) => (
                      <option key={k} value={k}>
                        {humanize(k)}
                      </option>
                    ))}
                  </select>
                </Field>
                <div className="row-buttons">
                  <button type="button" className="secondary" disabled={i === 0} onClick={() => move(i, -1)}>
                    Up<span className="visually-hidden"> stage {i + 1}</span>
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={i === rows.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    Down<span className="visually-hidden"> stage {i + 1}</span>
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={rows.length === 1}
                    onClick={() => setRows((x) => x.filter((_, j) => j !== i))}
                  >
                    Remove<span className="visually-hidden"> stage {i + 1}</span>
                  </button>
                </div>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="secondary add-stage"
            onClick={() => setRows((x) => [...x, newRow()])}
          >
            Add a stage
          </button>
        </fieldset>
        <FormError error={save.error} />
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : pipeline ? 'Save pipeline' : 'Create pipeline'}
          </button>
          {onDone && (
            <button type="button" className="secondary" onClick={onDone}>
              Cancel
            </button>
          )}
          <p role="status" className="status">
            {done}
          </p>
        </div>
      </form>
    </section>
  );
}
