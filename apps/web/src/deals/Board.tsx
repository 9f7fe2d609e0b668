import type { Deal, Pipeline } from '@custodian/contracts';
import { type DragEvent, useState } from 'react';
import { ApiError } from '../api.js';
import { errorText, LoadError, Loading } from '../ui/errors.js';
import { formatMoney, totalsByCurrency } from '../ui/money.js';
import { DealCard, dealDragType } from './DealCard.js';
import { useBoardDeals, useMoveDeal } from './use-board.js';

/** The server's detail as a sentence, ending with a full stop. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** The pipeline's stages side by side, each with its deals, their count and their totals per currency. */
export function Board({ pipeline, canMove }: { pipeline: Pipeline; canMove: boolean }) {
  const deals = useBoardDeals(pipeline.id);
  const move = useMoveDeal(pipeline);
  const [dragging, setDragging] = useState<Deal | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const stageName = (id: string) => pipeline.stages.find((s) => s.id === id)?.name ?? 'another stage';

  const moveDeal = (deal: Deal, stageId: string, viaKeyboard: boolean) => {
    if (deal.stageId === stageId) return;
    setFocusId(viaKeyboard ? deal.id : null);
    setAnnouncement(`Moved ${deal.title} to ${stageName(stageId)}.`);
    move.mutate({ deal, stageId });
  };
  const dropOn = (stageId: string) => ({
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(dealDragType)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setOver(stageId);
    },
    onDragLeave: (e: DragEvent) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(null);
    },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(null);
      const id = e.dataTransfer.getData(dealDragType);
      const deal = deals.data?.items.find((d) => d.id === id);
      if (deal) moveDeal(deal, stageId, false);
    },
  });

  if (deals.isPending) return <Loading what="deals" />;
  if (deals.isError) return <LoadError error={deals.error} onRetry={() => void deals.refetch()} />;
  const items = deals.data.items;
  return (
    <>
      {move.isError && (
        <p role="alert" className="form-error">
          {move.error instanceof ApiError && move.error.problem.status === 404
            ? `Could not move ${move.variables.deal.title}: it no longer exists, or you may not see it.`
            : `Could not move ${move.variables.deal.title}: ${sentence(errorText(move.error))} It is back in ${stageName(move.variables.deal.stageId)}.`}
        </p>
      )}
      {!deals.data.complete && (
        <p className="notice">The board shows the first {items.length} deals of this pipeline.</p>
      )}
      {/* One line for the how-to and the announcement of each move, so the board never jumps. */}
      <div className="board-notes">
        {items.length === 0 ? (
          <p className="empty">No deals in this pipeline yet.</p>
        ) : (
          canMove && (
            <p className="hint">
              Drag a card to another stage, or choose the stage under “Move to” and press Move.
            </p>
          )
        )}
        <p className="status" aria-live="polite">
          {move.isError ? '' : announcement}
        </p>
      </div>
      {/* The board scrolls sideways inside itself; focusable so the keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="board" aria-label={`${pipeline.name} board`} tabIndex={0}>
        {pipeline.stages.map((stage) => {
          const inStage = items.filter((d) => d.stageId === stage.id);
          const totals = totalsByCurrency(inStage);
          const headingId = `stage-${stage.id}`;
          return (
            <section
              key={stage.id}
              aria-labelledby={headingId}
              className={`stage stage-${stage.kind}${over === stage.id && dragging?.stageId !== stage.id ? ' drop-target' : ''}`}
              {...(canMove ? dropOn(stage.id) : {})}
            >
              <header className="stage-head">
                <h2 id={headingId}>
                  {stage.name}
                  {stage.kind !== 'open' && stage.name.toLowerCase() !== stage.kind && (
                    <span className={`badge kind-${stage.kind}`}>{stage.kind}</span>
                  )}
                </h2>
                <p className="stage-summary">
                  <span className="count">
                    {inStage.length} {inStage.length === 1 ? 'deal' : 'deals'}
                  </span>
                  {totals.map((t) => (
                    <span key={t.currency} className="total">
                      {formatMoney(t.minor, t.currency)}
                    </span>
                  ))}
                  {stage.kind === 'open' && <span className="label">{stage.probability} %</span>}
                </p>
              </header>
              {inStage.length > 0 && (
                <ol className="cards">
                  {inStage.map((deal) => (
                    <DealCard
                      key={deal.id}
                      deal={deal}
                      pipeline={pipeline}
                      canMove={canMove}
                      takeFocus={focusId === deal.id}
                      onMove={(d, stageId) => moveDeal(d, stageId, true)}
                      onDragging={setDragging}
                    />
                  ))}
                </ol>
              )}
            </section>
          );
        })}
      </section>
    </>
  );
}
