import type { Pipeline, PipelineInput } from '@custodian/contracts';
import { assertPermission, type RequestContext } from '../../platform/access.js';
import type { KeyRing } from '../../platform/crypto/keys.js';
import { type Db, type Executor, transaction } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  countDealsInStages,
  deleteStages,
  findPipeline,
  insertPipeline,
  listPipelineRows,
  type PipelineRow,
  renamePipeline,
  type StageRow,
  upsertStage,
} from './repository.js';

interface Deps {
  db: Db;
  keys: KeyRing;
  ctx: RequestContext;
}

function present({ pipeline, stages }: { pipeline: PipelineRow; stages: StageRow[] }): Pipeline {
  return {
    id: pipeline.id,
    name: pipeline.name,
    createdAt: pipeline.createdAt.toISOString(),
    stages: stages.map((s) => ({
      id: s.id,
      name: s.name,
      probability: s.probability,
      kind: s.kind as Pipeline['stages'][number]['kind'],
      position: s.position,
    })),
  };
}

export async function findPipelines({ db, ctx }: Deps): Promise<{ items: Pipeline[] }> {
  assertPermission(ctx.actor, 'deals:read');
  return { items: (await listPipelineRows(db)).map(present) };
}

async function writeStages(tx: Executor, pipelineId: string, input: PipelineInput, existing: StageRow[]) {
  const known = new Set(existing.map((s) => s.id));
  input.stages.forEach((s, i) => {
    if (s.id && !known.has(s.id))
      throw new AppError('validation_failed', 'A stage does not belong to this pipeline', {
        details: [{ field: `body.stages.${i}.id`, issue: 'is not a stage of this pipeline' }],
      });
  });
  const kept = new Set(input.stages.flatMap((s) => (s.id ? [s.id] : [])));
  const removed = existing.filter((s) => !kept.has(s.id)).map((s) => s.id);
  if ((await countDealsInStages(tx, removed)) > 0)
    throw new AppError('conflict', 'A stage to remove still has deals', {
      details: [{ field: 'body.stages', issue: 'leaves out a stage that still has deals; move them first' }],
    });
  await deleteStages(tx, removed);
  for (const [position, s] of input.stages.entries())
    await upsertStage(tx, {
      id: s.id,
      pipelineId,
      name: s.name,
      position,
      probability: s.probability,
      kind: s.kind,
    });
}

export async function createPipeline({
  db,
  keys,
  ctx,
  input,
}: Deps & { input: PipelineInput }): Promise<Pipeline> {
  assertPermission(ctx.actor, 'pipelines:manage');
  return transaction(db, async (tx) => {
    const pipeline = await insertPipeline(tx, input.name);
    if (input.stages.some((s) => s.id))
      throw new AppError('validation_failed', 'A new pipeline has only new stages', {
        details: [{ field: 'body.stages', issue: 'stages of a new pipeline have no id' }],
      });
    await writeStages(tx, pipeline.id, input, []);
    await recordAudit(tx, keys, ctx, {
      action: 'pipeline.create',
      entityType: 'pipeline',
      entityId: pipeline.id,
    });
    return present((await findPipeline(tx, pipeline.id))!);
  });
}

export async function replacePipeline({
  db,
  keys,
  ctx,
  id,
  input,
}: Deps & { id: string; input: PipelineInput }): Promise<Pipeline> {
  assertPermission(ctx.actor, 'pipelines:manage');
  return transaction(db, async (tx) => {
    const current = await findPipeline(tx, id, { forUpdate: true });
    if (!current) throw notFound('pipeline');
    await renamePipeline(tx, id, input.name);
    await writeStages(tx, id, input, current.stages);
    await recordAudit(tx, keys, ctx, { action: 'pipeline.update', entityType: 'pipeline', entityId: id });
    return present((await findPipeline(tx, id))!);
  });
}
