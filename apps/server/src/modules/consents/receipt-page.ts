import type { ConsentReceipt } from '@custodian/contracts';
import { escapeHtml } from '../../platform/http/html.js';

const stateWords: Record<string, string> = {
  'dpv:ConsentGiven': 'Consent given',
  'dpv:ConsentRequested': 'Consent requested, awaiting confirmation',
  'dpv:ConsentWithdrawn': 'Consent withdrawn',
  'dpv:ConsentRefused': 'Consent refused',
  'dpv:ConsentExpired': 'Consent expired',
};

/** The receipt as a page a person can read, keep and print; every value escaped. */
export function renderReceiptPage(r: ConsentReceipt, noticeText: string): string {
  const row = (label: string, value: string) =>
    `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const p = r.purposes[0]!;
  const controller = r.pii_controllers[0]!;
  return `<!doctype html>
<html lang="${escapeHtml(r.language)}">
<head><meta charset="utf-8"><title>Consent receipt</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
th{text-align:left;vertical-align:top;padding:.25rem 1rem .25rem 0;white-space:nowrap}td{padding:.25rem 0}
blockquote{white-space:pre-wrap;border-left:3px solid #999;margin:1rem 0;padding:.5rem 1rem;background:#f6f6f6}</style>
</head>
<body>
<h1>Consent receipt</h1>
<p><strong>${escapeHtml(stateWords[r.event.event_state] ?? r.event.event_state)}</strong> for “${escapeHtml(p.purpose_name)}” on ${escapeHtml(r.event.event_time)}.</p>
<table>
${row('Receipt', r.receipt_id)}
${row('Record', r.record_id)}
${row('Person (pseudonymous id)', r.pii_principal_id)}
${row('Controller', `${controller.party_name}, ${controller.party_address}`)}
${row('Contact', controller.party_contact)}
${row('Purpose', `${p.purpose_name}: ${p.purpose_description}`)}
${row('Lawful basis', p.lawful_basis.join(', '))}
${row('Personal data', p.pii_information.map((i) => i.pii_type).join(', '))}
${row('Kept', p.retention_period)}
${row('Stored in', p.storage_locations.join(', '))}
${row('Collected by', r.collection_method.method)}
${row('Jurisdiction', r.jurisdiction.join(', '))}
${row('Notice', `${r.privacy_notice.notice_key} version ${r.privacy_notice.version} (${r.privacy_notice.language})`)}
${row('Notice SHA-256', r.privacy_notice.sha256)}
</table>
<h2>The notice you were shown</h2>
<blockquote>${escapeHtml(noticeText)}</blockquote>
<h2>Changing your mind</h2>
<p>You can withdraw this consent at any time, as easily as you gave it, at
<a href="${escapeHtml(r.withdrawal_method[0]!.exercised_at)}">${escapeHtml(r.withdrawal_method[0]!.exercised_at)}</a>.
There you can also ask for access to your data, its correction, erasure, restriction or a portable copy, or object to its use.</p>
<p><small>${escapeHtml(r.schema_version)}. Issued ${escapeHtml(r.created)}.</small></p>
</body>
</html>
`;
}
