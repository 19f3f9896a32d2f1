// The support admin's pages (spec 001), on the platform's page layout.
import { escapeHtml, layout, signedInHeader } from '../platform/http/pages.ts';

export { PAGE_HEADERS } from '../platform/http/pages.ts';

export function loginPage(error?: string, username = '') {
  return layout(
    'Sign in — Ops Platform support admin',
    `
<main>
  <h1>Support admin sign in</h1>
  ${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/admin/login" ${error ? 'aria-describedby="login-error"' : ''}>
    <label for="username">Username</label>
    <input id="username" name="username" autocomplete="username" required value="${escapeHtml(username)}" autofocus>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <div><button type="submit">Sign in</button></div>
  </form>
</main>`,
  );
}

interface Row {
  id: string;
  customerName: string | null;
  channel: string;
  status: string;
  messageCount: number;
  lastMessage: string | null;
  updatedAt: string | null;
}

export function conversationsPage(
  username: string,
  rows: Row[],
  stats: { totalConversations: number; totalMessages: number; averageMessagesPerConversation: number },
  nextCursor: string | null,
) {
  const row = (r: Row) => {
    const killed = r.status === 'killed';
    return `<tr>
<td><code>${escapeHtml(r.id)}</code></td>
<td>${escapeHtml(r.customerName ?? '—')}</td>
<td>${escapeHtml(r.channel)}</td>
<td class="${killed ? 'killed' : ''}">${killed ? 'KILLED' : 'active'}</td>
<td>${r.messageCount}</td>
<td>${escapeHtml(r.lastMessage ?? '')}</td>
<td><time datetime="${escapeHtml(r.updatedAt)}">${escapeHtml(r.updatedAt)}</time></td>
</tr>`;
  };
  const body = rows.map(row).join('\n');
  const columns = ['ID', 'Customer', 'Channel', 'Status', 'Messages', 'Last message', 'Updated'];
  return layout(
    'Conversations — Ops Platform support admin',
    `
${signedInHeader('Conversations', username)}
<main>
  <p>${stats.totalConversations} conversations, ${stats.totalMessages} messages,
  ${stats.averageMessagesPerConversation} messages per conversation on average.</p>
  <table aria-label="Conversations, most recently updated first">
    <thead><tr>${columns.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>
    <tbody>${body || '<tr><td colspan="7">No conversations yet.</td></tr>'}</tbody>
  </table>
  ${nextCursor ? `<p><a href="/admin?cursor=${encodeURIComponent(nextCursor)}">Older conversations</a></p>` : ''}
</main>`,
  );
}
