import type { Deal, Pipeline } from '@custodian/contracts';
import { type DragEvent, useEffect, useId, useRef, useState } from 'react';
import { Link } from '../router.js';
import { formatDate } from '../ui/format.js';
import { formatMoney } from '../ui/money.js';
import { CompanyName, ContactName } from '../ui/names.js';

/** The drag payload's type: a deal id, nothing else. */
export const dealDragType = 'application/x-custodian-deal';

/**
 * One deal on the board. It can be dragged to another column; the "Move to" control does the same from
 * the keyboard (or for anyone who cannot drag).
 */
export function DealCard({
  deal,
  pipeline,
  canMove,
  takeFocus,
  onMove,
  onDragging,
}: {
  deal: Deal;
  pipeline: Pipeline;
  canMove: boolean;
  /** Set right after a keyboard move: the card has just been mounted in its new column. */
  takeFocus: boolean;
  onMove: (deal: Deal, stageId: string) => void;
  onDragging: (deal: Deal | null) => void;
}) {
  const titleId = useId();
  const [target, setTarget] = useState(deal.stageId);
  const selectRef = useRef<HTMLSelectElement>(null);
  useEffect(() => setTarget(deal.stageId), [deal.stageId]);
  useEffect(() => {
    if (takeFocus) selectRef.current?.focus();
  }, [takeFocus]);
  const dragStart = (e: DragEvent<HTMLLIElement>) => {
    e.dataTransfer.setData(dealDragType, deal.id);
    e.dataTransfer.effectAllowed = 'move';
    onDragging(deal);
  };
  const [firstContact, ...otherContacts] = deal.contactIds;
  return (
    <li
      className="deal-card"
      aria-labelledby={titleId}
      draggable={canMove}
      onDragStart={canMove ? dragStart : undefined}
      onDragEnd={() => onDragging(null)}
    >
      <h3 id={titleId}>
        <Link to={`/deals/${deal.id}`}>{deal.title}</Link>
      </h3>
      <p className="amount">
        {deal.amountMinor !== null && deal.currency ? (
          formatMoney(deal.amountMinor, deal.currency)
        ) : (
          <span className="label">No amount</span>
        )}
      </p>
      {(deal.companyId || firstContact) && (
        <p className="deal-people">
          {deal.companyId && <CompanyName id={deal.companyId} />}
          {deal.companyId && firstContact && ' · '}
          {firstContact && <ContactName id={firstContact} />}
          {otherContacts.length > 0 && ` +${otherContacts.length}`}
        </p>
      )}
      {deal.expectedCloseDate && <p className="label">Expected {formatDate(deal.expectedCloseDate)}</p>}
      {canMove && (
        <div className="move">
          <label className="move-label">
            Move to
            <select
              ref={selectRef}
              value={target}
              aria-describedby={titleId}
              onChange={(e) => setTarget(e.target.value)}
            >
              {pipeline.stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="secondary"
            aria-describedby={titleId}
            disabled={target === deal.stageId}
            onClick={() => onMove(deal, target)}
          >
            Move
          </button>
        </div>
      )}
    </li>
  );
}
