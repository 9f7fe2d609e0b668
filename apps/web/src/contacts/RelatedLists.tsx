import type { Activity, Deal, Task } from '@custodian/contracts';
import { formatDate, formatDateTime, humanize } from '../ui/format.js';
import { formatMoney } from '../ui/money.js';
import { RelatedList } from '../ui/related-list.js';
import { Value } from '../ui/restricted.js';

export function ContactActivities({ contactId }: { contactId: string }) {
  return (
    <RelatedList<Activity>
      title="Timeline"
      queryKey={['contact', contactId, 'activities']}
      path={`/api/v1/contacts/${contactId}/activities`}
      empty="No activities yet."
      render={(a) => (
        <>
          <span className="when">{formatDateTime(a.occurredAt)}</span> <strong>{humanize(a.type)}</strong>
          {a.direction && <> ({a.direction})</>}
          {a.subject && (
            <>
              : <Value value={a.subject} />
            </>
          )}
        </>
      )}
    />
  );
}

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

export function ContactTasks({ contactId }: { contactId: string }) {
  return (
    <RelatedList<Task>
      title="Tasks"
      queryKey={['contact', contactId, 'tasks']}
      path="/api/v1/tasks"
      params={{ contactId }}
      empty="No tasks about this contact."
      render={(t) => (
        <>
          <strong>{t.title}</strong> · {humanize(t.status)}
          {t.dueAt && <> · due {formatDateTime(t.dueAt)}</>}
        </>
      )}
    />
  );
}
