import type { ComplianceDashboard } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../api.js';
import { Link } from '../router.js';
import { LoadError, Loading } from '../ui/errors.js';
import { formatDate, formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';
import { ConsentTrendsPanel } from './ConsentTrendsPanel.js';
import { BarTable, Countdown, type Segment, StackedBar } from './charts.js';

export const dashboardKey = ['privacy', 'dashboard'] as const;

export function DashboardPage() {
  const dashboard = useQuery({
    queryKey: dashboardKey,
    queryFn: () => api<ComplianceDashboard>('GET', '/api/v1/compliance/dashboard'),
  });
  return (
    <section aria-labelledby="dashboard-title" className="dashboard">
      <div className="page-top">
        <PageHeading title="Compliance dashboard" id="dashboard-title" />
        {dashboard.data && (
          <button
            type="button"
            className="secondary"
            disabled={dashboard.isFetching}
            onClick={() => void dashboard.refetch()}
          >
            {dashboard.isFetching ? 'Refreshing…' : 'Refresh'}
          </button>
        )}
      </div>
      {dashboard.isPending ? (
        <Loading what="the dashboard" />
      ) : dashboard.isError ? (
        <LoadError error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : (
        <DashboardBody d={dashboard.data} />
      )}
    </section>
  );
}

function Tile({
  label,
  value,
  tone,
  children,
}: {
  label: string;
  value: ReactNode;
  tone?: string;
  children?: ReactNode;
}) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>
        <span className="tile-value">{value}</span>
        {children && <span className="tile-note">{children}</span>}
      </dd>
    </div>
  );
}

function DashboardBody({ d }: { d: ComplianceDashboard }) {
  const { requests } = d;
  const later = Math.max(0, requests.open - requests.overdue - requests.dueWithin7Days);
  const runningLate = d.breaches.filter((b) => b.overdue).length;
  return (
    <>
      <p className="status">Counted live at {formatDateTime(d.generatedAt)}.</p>
      <dl className="tiles">
        <Tile label="Open requests" value={requests.open} />
        <Tile
          label="Overdue requests"
          value={requests.overdue}
          tone={requests.overdue > 0 ? 'danger' : undefined}
        />
        <Tile
          label="Due within 7 days"
          value={requests.dueWithin7Days}
          tone={requests.dueWithin7Days > 0 ? 'warn' : undefined}
        />
        <Tile
          label="Breach clocks running"
          value={d.breaches.length}
          tone={runningLate > 0 ? 'danger' : d.breaches.length > 0 ? 'warn' : undefined}
        >
          {runningLate > 0 ? `${runningLate} past 72 hours` : null}
        </Tile>
        <Tile
          label="Records past retention"
          value={d.retention.pastDue}
          tone={d.retention.pastDue > 0 ? 'warn' : undefined}
        >
          {d.retention.held > 0 ? `${d.retention.held} held` : null}
        </Tile>
        <Tile label="Breach notices queued" value={d.breachNoticesQueued} />
        <Tile
          label="DPIA reviews due"
          value={d.dpiasReviewDue.length}
          tone={d.dpiasReviewDue.length > 0 ? 'warn' : undefined}
        />
        <Tile
          label="Processor reviews due"
          value={d.recipientsReviewDue.length}
          tone={d.recipientsReviewDue.length > 0 ? 'warn' : undefined}
        />
      </dl>

      <div className="dashboard-grid">
        <section aria-labelledby="due-title" className="panel">
          <h2 id="due-title">Requests by due date</h2>
          <BarTable
            caption="Open requests by due date"
            unit="Requests"
            bars={[
              { label: 'Overdue', value: requests.overdue, tone: 'danger' },
              { label: 'Due within 7 days', value: requests.dueWithin7Days, tone: 'warn' },
              { label: 'Later', value: later, tone: 'ok' },
            ]}
          />
          {requests.byDueDate.length > 0 && (
            <details>
              <summary>Per due day</summary>
              <BarTable
                caption="Open requests per due day"
                unit="Requests"
                bars={requests.byDueDate.map((b) => ({
                  label: formatDate(`${b.date}T12:00:00Z`),
                  value: b.count,
                  tone: new Date(`${b.date}T23:59:59`).getTime() < Date.now() ? 'danger' : 'ok',
                }))}
              />
            </details>
          )}
          <p>
            <Link to="/privacy-desk/requests">Open the request queue</Link>
          </p>
        </section>

        <section aria-labelledby="breaches-title" className="panel">
          <h2 id="breaches-title">Breach clocks</h2>
          {d.breaches.length === 0 ? (
            <p className="empty">No breach awaits a decision on notifying the authority.</p>
          ) : (
            <ul className="clocks">
              {d.breaches.map((b) => (
                <li key={b.id}>
                  <strong className="clock-title">{b.title}</strong>
                  <span className={b.overdue ? 'clock-overdue' : undefined}>
                    {b.overdue
                      ? `Overdue by ${Math.abs(Math.round(b.hoursLeft))} hours`
                      : `${Math.floor(b.hoursLeft)} of 72 hours left`}
                  </span>{' '}
                  <span className="when">
                    · notify the authority by {formatDateTime(b.authorityDeadline)}
                  </span>
                  <Countdown left={b.hoursLeft} of={72} />
                </li>
              ))}
            </ul>
          )}
        </section>

        <ConsentPanel consent={d.consent} />

        <ConsentTrendsPanel />

        <section aria-labelledby="retention-title" className="panel">
          <h2 id="retention-title">Retention backlog</h2>
          {d.retention.byPolicy.length === 0 ? (
            <p className="empty">No retention policy is enabled.</p>
          ) : (
            <BarTable
              caption="Records past their retention date per policy"
              unit="Records past due"
              bars={d.retention.byPolicy.map((p) => ({
                label: p.held > 0 ? `${p.name} (${p.held} held)` : p.name,
                value: p.due,
                tone: p.due > 0 ? 'warn' : 'ok',
              }))}
            />
          )}
          <p className="hint">
            {d.retention.lastRun
              ? `Last sweep ${formatDateTime(d.retention.lastRun.startedAt)}: ${humanize(d.retention.lastRun.status).toLowerCase()}.`
              : 'No retention sweep has run yet.'}
          </p>
        </section>

        <section aria-labelledby="reviews-title" className="panel">
          <h2 id="reviews-title">Reviews and checks</h2>
          <h3>Impact assessments to review</h3>
          <DueList items={d.dpiasReviewDue.map((x) => ({ id: x.id, name: x.title, at: x.reviewAt }))} />
          <h3>Processor agreements to review</h3>
          <DueList
            items={d.recipientsReviewDue.map((x) => ({ id: x.id, name: x.name, at: x.dpaReviewAt }))}
          />
          <h3>Audit trail and scanner</h3>
          <ul className="plain facts">
            <li>
              {d.audit.lastVerification
                ? `Chain last verified ${formatDateTime(d.audit.lastVerification.at)}: ${d.audit.lastVerification.intact ? 'intact' : 'BROKEN'}.`
                : 'The audit chain has not been verified yet.'}
            </li>
            <li>{d.audit.unsealed} audit entries not yet sealed.</li>
            <li>
              {d.scanner.open} open scanner findings, {d.scanner.openSpecialCategories} of special categories.
            </li>
          </ul>
        </section>
      </div>
    </>
  );
}

function DueList({ items }: { items: { id: string; name: string; at: string }[] }) {
  if (items.length === 0) return <p className="empty">None due.</p>;
  return (
    <ul className="plain facts">
      {items.map((x) => (
        <li key={x.id}>
          {x.name} <span className="when">· review due {formatDate(`${x.at}T12:00:00Z`)}</span>
        </li>
      ))}
    </ul>
  );
}

const consentParts = ['given', 'pending', 'withdrawn', 'refused', 'expired'] as const;

function ConsentPanel({ consent }: { consent: ComplianceDashboard['consent'] }) {
  return (
    <section aria-labelledby="consent-rates-title" className="panel consent-rates">
      <h2 id="consent-rates-title">Consent per purpose</h2>
      <p className="legend" aria-hidden="true">
        {consentParts.map((p) => (
          <span key={p}>
            <span className={`swatch segment-${p}`} /> {humanize(p)}
          </span>
        ))}
      </p>
      <table className="consent-table">
        <caption className="visually-hidden">Consent state per purpose, with the share given</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Purpose</th>
            <th scope="col">People by consent state</th>
          </tr>
        </thead>
        <tbody>
          {consent.map((c) => {
            const segments: Segment[] = consentParts.map((p) => ({
              key: p,
              label: humanize(p),
              value: c[p],
            }));
            const asked = segments.reduce((n, s) => n + s.value, 0);
            return (
              <tr key={c.purpose}>
                <th scope="row">{humanize(c.purpose)}</th>
                <td>
                  {asked === 0 ? (
                    <span className="empty">Nobody asked</span>
                  ) : (
                    <>
                      <StackedBar segments={segments} total={asked} />
                      <span className="consent-figures">
                        {c.rate !== null && <strong>{Math.round(c.rate * 100)}% given</strong>}
                        {segments
                          .filter((s) => s.value > 0)
                          .map((s) => (
                            <span key={s.key}>
                              {' '}
                              · {s.label.toLowerCase()} {s.value}
                            </span>
                          ))}
                      </span>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">
        The current state of everyone asked; how it changed is under “Consent rate over time”.
      </p>
    </section>
  );
}
