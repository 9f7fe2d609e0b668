import type { SubjectPackage } from '@custodian/contracts';
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';
import { escapeHtml } from '../../platform/http/html.js';

/** A field value as one line of text: lists of entries and addresses joined readably. */
function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value))
    return value
      .map((v) =>
        typeof v === 'object' && v !== null
          ? Object.values(v as Record<string, unknown>)
              .filter((x) => x !== null && x !== '' && typeof x !== 'boolean')
              .join(', ')
          : String(v),
      )
      .join('; ');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join('; ');
  return String(value);
}

type Table = { name: string; title: string; columns: string[]; rows: unknown[][] };

function tablesOf(p: SubjectPackage): Table[] {
  return [
    {
      name: 'personal-data',
      title: 'Your personal data',
      columns: ['field', 'category', 'value'],
      rows: p.person.fields.map((f) => [f.label, f.category, display(f.value)]),
    },
    {
      name: 'activities',
      title: 'Notes, calls, meetings and e-mails about you',
      columns: ['id', 'type', 'occurredAt', 'direction', 'subject', 'body', 'sharedWithOthers'],
      rows: p.activities.map((a) => [
        a.id,
        a.type,
        a.occurredAt,
        a.direction,
        a.subject,
        a.body,
        a.sharedWithOthers,
      ]),
    },
    {
      name: 'deals',
      title: 'Deals you take part in',
      columns: ['id', 'title', 'stage', 'amountMinor', 'currency', 'closedAt'],
      rows: p.deals.map((d) => [d.id, d.title, d.stage, d.amountMinor, d.currency, d.closedAt]),
    },
    {
      name: 'tasks',
      title: 'Tasks about you',
      columns: ['id', 'title', 'status', 'dueAt'],
      rows: p.tasks.map((t) => [t.id, t.title, t.status, t.dueAt]),
    },
    {
      name: 'consent-events',
      title: 'Your consent and choices, as recorded',
      columns: ['id', 'kind', 'purpose', 'method', 'occurredAt', 'source'],
      rows: p.consent.events.map((e) => [e.id, e.kind, e.purpose, e.method, e.occurredAt, e.source]),
    },
    {
      name: 'campaign-mail',
      title: 'Our campaign e-mails to you, and what we recorded about them',
      columns: [
        'campaign',
        'purpose',
        'status',
        'sentAt',
        'tracked',
        'openedAt',
        'clickedAt',
        'unsubscribedAt',
        'bouncedAt',
        'complainedAt',
      ],
      rows: p.campaignMail.map((m) => [
        m.campaign,
        m.purpose,
        m.status,
        m.sentAt,
        m.tracked,
        m.openedAt,
        m.clickedAt,
        m.unsubscribedAt,
        m.bouncedAt,
        m.complainedAt,
      ]),
    },
    {
      name: 'purposes',
      title: 'Why we process data, on which legal basis, and for how long',
      columns: ['key', 'name', 'description', 'lawfulBasis', 'retention', 'allowedNow'],
      rows: p.purposes.map((x) => [x.key, x.name, x.description, x.lawfulBasis, x.retention, x.allowedNow]),
    },
    {
      name: 'retention',
      title: 'How long each kind of data is kept',
      columns: ['field', 'retention'],
      rows: p.retention.map((r) => [r.field, r.retention]),
    },
    ...(p.profiling
      ? [
          {
            name: 'lead-score',
            title: `Your lead score${p.profiling.score ? `: ${p.profiling.score.score} (computed ${p.profiling.score.computedAt})` : ' (none held)'}`,
            columns: ['rule', 'points', 'count'],
            rows: (p.profiling.score?.explanation ?? []).map((e) => [e.rule, e.points, e.count]),
          },
          {
            name: 'lead-scoring-logic',
            title: 'How lead scores are computed (the logic involved)',
            columns: ['rule', 'points', 'condition'],
            rows: p.profiling.logic.rules.map((r) => [r.name, r.points, r.condition]),
          },
        ]
      : []),
    {
      name: 'recipients',
      title: 'Who received your data',
      columns: ['recipient', 'role', 'what'],
      rows: p.recipients.map((r) => [r.recipient, r.role, r.what]),
    },
    {
      name: 'access-log',
      title: 'Who accessed your data',
      columns: ['at', 'action', 'by', 'purpose'],
      rows: p.accessLog.map((a) => [a.at, a.action, a.by, a.purpose]),
    },
  ];
}

const csvOf = (t: Table) =>
  stringify([
    t.columns,
    ...t.rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v)))),
  ]);

/** The human-readable page: every table of the package, escaped. */
export function renderPackageHtml(p: SubjectPackage): string {
  const section = (t: Table) =>
    `<section><h2>${escapeHtml(t.title)}</h2>${
      t.rows.length === 0
        ? '<p>None.</p>'
        : `<table><thead><tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
            .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`
    }</section>`;
  const source = p.source.import
    ? `${p.source.how}: ${p.source.import.description} (${p.source.import.lawfulBasis}, ${p.source.import.importedAt})`
    : p.source.how;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your data held by ${escapeHtml(p.controller.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>Your data held by ${escapeHtml(p.controller.name)}</h1>
<p>Answer to your ${escapeHtml(p.request.type)} request of ${escapeHtml(p.request.receivedAt)} (${escapeHtml(p.request.regime.toUpperCase())}), prepared ${escapeHtml(p.generatedAt)}.
Controller: ${escapeHtml(p.controller.name)}, ${escapeHtml(p.controller.address)}${p.controller.email ? `, ${escapeHtml(p.controller.email)}` : ''}. Data stored in: ${escapeHtml(p.controller.dataLocation)}.</p>
<p>Where your data came from: ${escapeHtml(source)}. Consent receipts (ISO/IEC TS 27560) are in package.json.</p>
${
  p.profiling
    ? `<p>Profiling (${escapeHtml(p.profiling.purpose.name)}): ${escapeHtml(p.profiling.logic.summary)} ${escapeHtml(p.profiling.logic.significance)} ${escapeHtml(p.profiling.logic.consequences)} ${escapeHtml(p.profiling.logic.rightToObject)}</p>`
    : ''
}
${tablesOf(p).map(section).join('\n')}
</body></html>
`;
}

/** The download: package.json (machine-readable, schema at /api/v1/schemas/subject-package.json), index.html, CSVs. */
export function renderPackageZip(p: SubjectPackage): Buffer {
  const files: Record<string, Uint8Array> = {
    'package.json': strToU8(JSON.stringify(p, null, 2)),
    'index.html': strToU8(renderPackageHtml(p)),
  };
  for (const t of tablesOf(p)) files[`csv/${t.name}.csv`] = strToU8(csvOf(t));
  return Buffer.from(zipSync(files, { level: 6 }));
}
