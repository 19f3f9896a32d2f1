import { escapeHtml, layout, signedInHeader } from '../platform/http/pages.ts';
import type { RunsService } from './runs.service.ts';
import type { ApprovalsService } from './approvals.service.ts';

// The operations console's pages: runs, their steps, pending approvals and the actions on them.
// Server-rendered, no script; every action is a same-origin form POST (see runs.page-routes.ts).

type RunRow = Awaited<ReturnType<RunsService['list']>>['runs'][number];
type PendingApproval = Awaited<ReturnType<ApprovalsService['pending']>>['approvals'][number];
type RunDetail = Awaited<ReturnType<RunsService['detail']>>;

export const RUNS_PAGE = '/admin/runs';
const runPath = (workflowId: string) => `${RUNS_PAGE}/${encodeURIComponent(workflowId)}`;

/** What the page may offer for a run: only what the API would accept from this operator. */
export interface RunActions {
  canAct: boolean;
  canDecide: boolean;
  cancellable: (operation: string | null) => boolean;
  retryable: (operation: string | null) => boolean;
}

/** A value of a plan, flattened one level (`customers 2, messages 4`), for a definition list. */
const planValue = (v: unknown): string =>
  v && typeof v === 'object'
    ? Object.entries(v as Record<string, unknown>)
        .map(([k, n]) => `${k} ${String(n)}`)
        .join(', ')
    : String(v ?? '—');

const planList = (plan: Record<string, unknown> | null) =>
  plan
    ? `<dl>${Object.entries(plan)
        .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(planValue(v))}</dd>`)
        .join('')}</dl>`
    : '—';

/** One action form: a reason (kept in the audit trail) and its button. */
const actionForm = (workflowId: string, action: string, label: string) => {
  const described = escapeHtml(`Reason to ${label.toLowerCase()} ${workflowId}`);
  return `<form method="post" action="${escapeHtml(`${runPath(workflowId)}/${action}`)}">
<label>Reason <input name="reason" required maxlength="500" aria-label="${described}"></label>
<button type="submit">${escapeHtml(label)}</button></form>`;
};
const cells = (names: string[]) => names.map((n) => `<th scope="col">${n}</th>`).join('');
const tableBody = (rows: string[], columns: number, empty: string) =>
  rows.join('\n') || `<tr><td colspan="${columns}">${empty}</td></tr>`;

const message = (m: { notice?: string; error?: string }) =>
  (m.error ? `<p class="error" role="alert">${escapeHtml(m.error)}</p>` : '') +
  (m.notice ? `<p class="notice" role="status">${escapeHtml(m.notice)}</p>` : '');

export function runsPage(v: {
  username: string;
  actions: RunActions;
  approvals: PendingApproval[];
  runs: RunRow[];
  nextCursor: string | null;
  filter: { operation?: string; tenantId?: string; status?: string };
  notice?: string;
  error?: string;
}) {
  const decisionForms = (id: string) =>
    v.actions.canDecide ? actionForm(id, 'approve', 'Approve') + actionForm(id, 'reject', 'Reject') : '—';
  const approvalRow = (a: PendingApproval) => `<tr>
<td><a href="${escapeHtml(runPath(a.workflowId))}"><code>${escapeHtml(a.workflowId)}</code></a></td>
<td>${escapeHtml(a.operation)}</td><td>${escapeHtml(a.requestedBy)}</td>
<td><time datetime="${escapeHtml(a.deadline)}">${escapeHtml(a.deadline)}</time></td>
<td>${planList(a.plan)}</td>
<td>${decisionForms(a.workflowId)}</td>
</tr>`;
  const runActions = (r: RunRow) => {
    if (!v.actions.canAct) return '';
    if (r.status === 'RUNNING' && v.actions.cancellable(r.operation))
      return actionForm(r.workflowId, 'cancel', 'Cancel');
    if (['FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'].includes(r.status) && v.actions.retryable(r.operation))
      return actionForm(r.workflowId, 'retry', 'Retry');
    return '';
  };
  const runRow = (r: RunRow) => `<tr>
<td><a href="${escapeHtml(runPath(r.workflowId))}"><code>${escapeHtml(r.workflowId)}</code></a></td>
${[r.operation, r.tenantId, r.actor].map((x) => `<td>${escapeHtml(x ?? '—')}</td>`).join('')}
<td>${escapeHtml(r.approvalState === 'pending' ? 'AWAITING APPROVAL' : r.status)}</td>
<td><time datetime="${escapeHtml(r.startedAt)}">${escapeHtml(r.startedAt)}</time></td>
<td>${runActions(r)}</td>
</tr>`;
  const f = v.filter;
  const input = (name: keyof typeof f, label: string) =>
    `<label>${label} <input name="${name}" value="${escapeHtml(f[name] ?? '')}"></label>`;
  const more = new URLSearchParams({ ...Object.fromEntries(Object.entries(f).filter(([, x]) => x)) });
  if (v.nextCursor) more.set('cursor', v.nextCursor);
  return layout(
    'Runs — Ops Platform',
    `${signedInHeader('Runs', v.username)}
<main>
  ${message(v)}
  <section aria-labelledby="approvals-h"><h2 id="approvals-h">Awaiting approval</h2>
  <table aria-label="Runs awaiting approval">
    <thead><tr>${cells(['Run', 'Operation', 'Requested by', 'Deadline', 'Plan', 'Decision'])}</tr></thead>
    <tbody>${tableBody(v.approvals.map(approvalRow), 6, 'Nothing is waiting for a decision.')}</tbody>
  </table></section>
  <section aria-labelledby="runs-h"><h2 id="runs-h">Runs</h2>
  <form method="get" action="${RUNS_PAGE}">
  ${input('operation', 'Operation')}${input('tenantId', 'Tenant')}${input('status', 'Status')}
  <button type="submit">Filter</button></form>
  <table aria-label="Runs, newest first">
    <thead><tr>${cells(['Run', 'Operation', 'Tenant', 'Actor', 'Status', 'Started', 'Action'])}</tr></thead>
    <tbody>${tableBody(v.runs.map(runRow), 7, 'No runs match.')}</tbody>
  </table>
  ${v.nextCursor ? `<p><a href="${RUNS_PAGE}?${escapeHtml(more.toString())}">More runs</a></p>` : ''}
  </section>
</main>`,
  );
}

export function runPage(v: { username: string; run: RunDetail }) {
  const r = v.run;
  const step = (s: RunDetail['steps'][number]) =>
    `<tr><td>${escapeHtml(s.step)}</td><td>${escapeHtml(s.scheduledAt)}</td><td>${escapeHtml(s.finishedAt)}</td>` +
    `<td>${escapeHtml(s.attempts)}</td><td>${escapeHtml(s.outcome)}</td></tr>`;
  const outcome = 'error' in r && r.error ? `failed: ${r.error.code}` : r.status;
  return layout(
    `Run ${r.workflowId} — Ops Platform`,
    `${signedInHeader('Run', v.username)}
<main>
  <p><a href="${RUNS_PAGE}">All runs</a></p>
  <dl>
    <dt>Run</dt><dd><code>${escapeHtml(r.workflowId)}</code></dd>
    <dt>Operation</dt><dd>${escapeHtml(r.operation ?? '—')}</dd>
    <dt>Tenant</dt><dd>${escapeHtml(r.tenantId ?? '—')}</dd>
    <dt>Status</dt><dd id="run-status">${escapeHtml(outcome)}</dd>
    <dt>Approval</dt><dd>${escapeHtml(r.approvalState ?? '—')}</dd>
    ${r.webUiUrl ? `<dt>Temporal</dt><dd><a href="${escapeHtml(r.webUiUrl)}">Web UI</a></dd>` : ''}
  </dl>
  <table aria-label="Steps of the run">
    <thead><tr>${cells(['Step', 'Started', 'Finished', 'Attempts', 'Outcome'])}</tr></thead>
    <tbody>${tableBody(r.steps.map(step), 5, 'No steps yet.')}</tbody>
  </table>
</main>`,
  );
}
