// Server-rendered operator pages: no script, so they work with a strict CSP and
// with assistive technology. Every value is escaped.

export const escapeHtml = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#111}
label{display:block;margin:.8rem 0 .2rem}input{font-size:1rem;padding:.4rem;width:18rem}
button{font-size:1rem;padding:.4rem 1rem;margin-top:1rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}.error{color:#a00;font-weight:600}
.killed{color:#a00;font-weight:600}header{display:flex;justify-content:space-between;align-items:center}
.notice{color:#064;font-weight:600}section{margin:2rem 0}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
td form{display:inline}td input{width:12rem}td button{margin-top:0}`;

export function layout(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The page heading with who is signed in and a sign-out button (the operator session). */
export function signedInHeader(heading: string, username: string) {
  return `<header><h1>${escapeHtml(heading)}</h1>
<nav aria-label="Operator pages"><a href="/admin">Conversations</a> · <a href="/admin/runs">Runs</a></nav>
<form method="post" action="/admin/logout">
  <span>Signed in as <strong>${escapeHtml(username)}</strong></span> <button type="submit">Sign out</button>
</form></header>`;
}
