import type { Deal, DsrRequest } from '@custodian/contracts';
import { isOpen, requestStatusLabels, requestTypeLabels } from '../privacy/request-labels.js';
import { Link } from '../router.js';
import { formatDate, humanize } from '../ui/format.js';
import { formatMoney } from '../ui/money.js';
import { RelatedList } from '../ui/related-list.js';

export function ContactDeals({ contactId }: { contactId: string }) {
  return (
    <RelatedList<Deal>
      title="Deals"
      queryKey={['contact', contactId, 'deals']}
      path="/api/v1/deals"
      params={{ contactId }}
      empty="No deals with this contact."
      render={(d) => (
        <>
          <strong>{d.title}</strong> · {humanize(d.status)}
          {d.amountMinor !== null && d.currency && <> · {formatMoney(d.amountMinor, d.currency)}</>}
          {d.expectedCloseDate && <> · expected {formatDate(d.expectedCloseDate)}</>}
        </>
      )}
    />
  );
}

/** The data-subject requests about the contact, soonest due first, each linking to the privacy desk. */
export function ContactRequests({ contactId }: { contactId: string }) {
  return (
    <RelatedList<DsrRequest>
      title="Requests"
      queryKey={['contact', contactId, 'requests']}
      path="/api/v1/requests"
      params={{ contactId }}
      empty="No data-subject requests about this contact."
      render={(r) => (
        <>
          <Link to={`/privacy-desk/requests/${r.id}`}>{requestTypeLabels[r.type]}</Link> ·{' '}
          {requestStatusLabels[r.status]} · {isOpen(r) ? 'due' : 'was due'} {formatDate(r.dueAt)}
          {isOpen(r) && r.overdue && <span className="badge warn overdue"> overdue</span>}
          {isOpen(r) && !r.overdue && r.dueSoon && <span className="badge warn"> due soon</span>}
        </>
      )}
    />
  );
}
