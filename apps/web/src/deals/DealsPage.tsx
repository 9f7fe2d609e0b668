import type { Me, Pipeline } from '@custodian/contracts';
import { useState } from 'react';
import { navigate } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { PageHeading } from '../ui/page-heading.js';
import { Board } from './Board.js';
import { NewDealForm } from './NewDealForm.js';
import { usePipelines } from './use-board.js';
import './deals.css';

/** `/deals` shows the first pipeline; `/pipelines/<id>` a chosen one (ids only in the address). */
export function DealsPage({ me, pipelineId }: { me: Me; pipelineId?: string }) {
  const pipelines = usePipelines();
  const [adding, setAdding] = useState(false);
  const items = pipelines.data?.items ?? [];
  const pipeline: Pipeline | undefined = pipelineId ? items.find((p) => p.id === pipelineId) : items[0];
  const canWrite = me.permissions.includes('deals:write');
  return (
    <section aria-labelledby="deals-title" className="deals-page">
      <div className="page-top">
        <PageHeading title="Deals" id="deals-title" />
        {pipeline && canWrite && !adding && (
          <button type="button" onClick={() => setAdding(true)}>
            New deal
          </button>
        )}
      </div>
      {pipelines.isPending ? (
        <Loading what="pipelines" />
      ) : pipelines.isError ? (
        <LoadError error={pipelines.error} onRetry={() => void pipelines.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">
          No pipelines yet.{' '}
          {me.permissions.includes('pipelines:manage')
            ? 'Create one through the API (POST /api/v1/pipelines) to start a board.'
            : 'An administrator creates them.'}
        </p>
      ) : !pipeline ? (
        <p role="alert">This pipeline does not exist, or you may not see it.</p>
      ) : (
        <>
          <div className="board-controls">
            <label className="inline-field">
              Pipeline
              <select value={pipeline.id} onChange={(e) => navigate(`/pipelines/${e.target.value}`)}>
                {items.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {adding && <NewDealForm pipeline={pipeline} onDone={() => setAdding(false)} />}
          <Board key={pipeline.id} pipeline={pipeline} canMove={canWrite} />
        </>
      )}
    </section>
  );
}
