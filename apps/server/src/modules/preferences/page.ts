import type { Preferences } from '@custodian/contracts';
import { escapeHtml } from '../../platform/http/html.js';

/** The preference centre as a plain form: one checkbox per purpose, the notice shown before subscribing. */
export function preferencesHtml(token: string, prefs: Preferences, saved: boolean): string {
  const rows = prefs.purposes
    .map((p) => {
      const ticked =
        p.choice === 'subscribe' ? p.consent === 'given' || p.consent === 'pending' : !p.objected;
      const label = p.choice === 'subscribe' ? 'Subscribed' : 'Allowed (untick to object)';
      return `<fieldset><legend>${escapeHtml(p.name)}</legend><p>${escapeHtml(p.description)}</p>
<label><input type="checkbox" name="${escapeHtml(p.purpose)}" value="on"${ticked ? ' checked' : ''}> ${label}</label>
${p.notice && !ticked ? `<details><summary>What you agree to</summary><p>${escapeHtml(p.notice.text)}</p></details>` : ''}</fieldset>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Your preferences</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}fieldset{margin:1rem 0;border:1px solid #ccc;border-radius:6px}button{font:inherit;padding:.5rem 1rem}</style></head>
<body><h1>Your preferences</h1>${saved ? '<p role="status"><strong>Saved.</strong> Your choices apply from now on.</p>' : ''}
<form method="post" action="/privacy/preferences/basic?token=${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="shown" value="${escapeHtml(prefs.purposes.map((p) => p.purpose).join(','))}">
${rows}
<button type="submit">Save</button></form></body></html>`;
}

export const invalidLinkHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>This link is not valid</title></head>
<body><h1>This link is not valid</h1><p>Nothing was changed.</p></body></html>`;
