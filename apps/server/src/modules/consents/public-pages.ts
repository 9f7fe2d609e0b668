import { escapeHtml } from '../../platform/http/html.js';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#1d4ed8;color:#fff;cursor:pointer}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** The page the mailed link opens. Opening it changes nothing: only the button confirms. */
export function confirmationPage(token: string): string {
  return page(
    'Confirm your consent',
    `<p>Press the button to confirm. If you did not ask for this, close this page: nothing happens.</p>
<form method="post" action="/api/v1/public/consent/confirm.html">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Confirm</button>
</form>`,
  );
}

export function confirmedPage(purposeNames: string[]): string {
  return page(
    'Thank you: confirmed',
    `<p>Your consent is confirmed for:</p><ul>${purposeNames.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>
<p>You can withdraw it at any time, as easily as you gave it.</p>`,
  );
}

export function linkProblemPage(message: string): string {
  return page(
    'This link cannot be used',
    `<p>${escapeHtml(message)}</p><p>You can fill in the form again to get a new link.</p>`,
  );
}
