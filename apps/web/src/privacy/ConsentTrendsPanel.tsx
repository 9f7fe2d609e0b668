import { type ConsentTrends, consentTrendIntervals } from '@custodian/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, withQuery } from '../api.js';
import { LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, humanize } from '../ui/format.js';
import { TrendChart } from './TrendChart.js';

const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The last twelve months up to today, by default. */
function defaultRange() {
  const to = new Date();
  const from = new Date(to.getFullYear() - 1, to.getMonth() + 1, 1);
  return { from: isoDay(from), to: isoDay(to) };
}

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);
const dayLabel = (date: string) => formatDate(`${date}T12:00:00Z`);
const weekAxis = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const monthAxis = new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit' });

/** Consent rate per purpose at the end of each week or month, replayed by the server from the ledger. */
export function ConsentTrendsPanel() {
  const [range, setRange] = useState(defaultRange);
  const [interval, setInterval] = useState<(typeof consentTrendIntervals)[number]>('month');
  const trends = useQuery({
    queryKey: ['privacy', 'consent-trends', range.from, range.to, interval],
    queryFn: () =>
      api<ConsentTrends>('GET', withQuery('/api/v1/compliance/consent-trends', { ...range, interval })),
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <section aria-labelledby="consent-trends-title" className="panel consent-trends">
      <h2 id="consent-trends-title">Consent rate over time</h2>
      <div className="trend-controls">
        <Field label="From" field="querystring.from" error={trends.error}>
          <input
            type="date"
            value={range.from}
            required
            onChange={(e) => e.target.value && setRange((r) => ({ ...r, from: e.target.value }))}
          />
        </Field>
        <Field label="To" field="querystring.to" error={trends.error}>
          <input
            type="date"
            value={range.to}
            required
            onChange={(e) => e.target.value && setRange((r) => ({ ...r, to: e.target.value }))}
          />
        </Field>
        <Field label="Per" field="querystring.interval" error={trends.error}>
          <select value={interval} onChange={(e) => setInterval(e.target.value as typeof interval)}>
            {consentTrendIntervals.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {trends.isPending ? (
        <Loading what="the consent trend" />
      ) : trends.isError && !trends.data ? (
        <LoadError error={trends.error} onRetry={() => void trends.refetch()} />
      ) : trends.data ? (
        <TrendBody trends={trends.data} />
      ) : null}
    </section>
  );
}

function TrendBody({ trends }: { trends: ConsentTrends }) {
  const asked = trends.purposes.filter((p) => p.points.some((x) => x.asked > 0));
  if (asked.length === 0) return <p className="empty">Nobody was asked for consent in this period.</p>;
  const labels = trends.periods.map((p) => dayLabel(p.end));
  return (
    <>
      <TrendChart
        title={`Share of people asked whose consent stood as given, at the end of each ${trends.interval}`}
        labels={trends.periods.map((p) =>
          (trends.interval === 'week' ? weekAxis : monthAxis).format(new Date(`${p.end}T12:00:00Z`)),
        )}
        series={asked.map((p) => ({
          key: p.purpose,
          label: humanize(p.purpose),
          values: p.points.map((x) => x.rate),
        }))}
      />
      <details className="trend-table">
        <summary>The figures as a table</summary>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">
              Consent given of people asked, per purpose, at the end of each {trends.interval}
            </caption>
            <thead>
              <tr>
                <th scope="col">End of {trends.interval}</th>
                {asked.map((p) => (
                  <th key={p.purpose} scope="col">
                    {humanize(p.purpose)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {trends.periods.map((period, i) => (
                <tr key={period.end}>
                  <th scope="row">{labels[i]}</th>
                  {asked.map((p) => {
                    const x = p.points[i]!;
                    return (
                      <td key={p.purpose}>
                        {percent(x.rate)}{' '}
                        <span className="when">
                          ({x.given} of {x.asked})
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
