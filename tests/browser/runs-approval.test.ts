import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { createOperator } from '../support/support.ts';
import { seedClient } from '../support/factories.ts';
import { upsertOperatorAccount } from '../../src/platform/auth/operator-accounts.ts';

let t: TestContext;
let browser: Browser;
let base: string;
beforeAll(async () => {
  browser = await launchChromium();
  t = await createTestContext({ env: { APPROVALS: 'client-delete', APPROVAL_TIMEOUT: '10m' } });
  base = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A fresh browser profile signed in as `creds` through the login page, then on the runs page. */
async function signedIn(creds: { username: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/admin/runs`);
  expect(new URL(page.url()).pathname).toBe('/admin/login'); // no session: sign in first
  await page.getByLabel('Username').fill(creds.username);
  await page.getByLabel('Password').fill(creds.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/admin`);
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.waitForURL(`${base}/admin/runs`);
  return page;
}

/** Reloads the runs page until the run is listed as awaiting approval (visibility catches up). */
async function untilAwaitingApproval(page: Page, workflowId: string) {
  const approvals = page.getByRole('table', { name: 'Runs awaiting approval' });
  for (let i = 0; i < 100 && !(await approvals.textContent())?.includes(workflowId); i++) {
    await new Promise((r) => setTimeout(r, 200));
    await page.reload();
  }
  expect(await approvals.textContent()).toContain(workflowId);
}

const decideOnPage = async (page: Page, workflowId: string, decision: 'Approve' | 'Reject', reason: string) => {
  const reasonBox = page.getByLabel(`Reason to ${decision.toLowerCase()} ${workflowId}`);
  await reasonBox.fill(reason);
  await page.locator('form', { has: reasonBox }).getByRole('button', { name: decision }).click();
  await page.waitForLoadState();
};

test('one operator requests a deletion, a second approves it on the runs page, and the run finishes', async () => {
  // Alice may delete clients (admin); Bob is an operator, which is enough to decide an approval.
  const alice = { username: `alice-${Date.now()}`, password: `pw-${Math.random()}` };
  await upsertOperatorAccount(t.orm.em.fork(), alice.username, alice.password, 'admin');
  const bob = await createOperator(t);
  const c = await seedClient(t, { opsAlertsMuted: true, records: 2 });
  const wf = c.deleteWorkflowId;

  // Alice, signed in, asks for the deletion with her session: it waits for someone else.
  const asAlice = await signedIn(alice);
  const requested = await asAlice.request.delete(`${base}/api/admin/clients/${c.id}`, {
    data: { confirmBusinessName: c.businessName },
  });
  expect(requested.status()).toBe(202);
  expect((await requested.json()).data.status).toBe('AWAITING_APPROVAL');
  await untilAwaitingApproval(asAlice, wf);
  await decideOnPage(asAlice, wf, 'Approve', 'I asked for it');
  await expect(asAlice.getByRole('alert').textContent()).resolves.toContain('SELF_APPROVAL');
  expect(await t.sql(`select 1 from client where id = ?`, [c.id])).toHaveLength(1);

  // Bob sees the plan and approves it.
  const asBob = await signedIn(bob);
  await untilAwaitingApproval(asBob, wf);
  const row = asBob.getByRole('table', { name: 'Runs awaiting approval' }).getByRole('row').filter({ hasText: wf });
  await expect(row.textContent()).resolves.toMatch(/customers 2/);
  await expect(row.textContent()).resolves.toContain(`operator-session:${alice.username}`);
  await decideOnPage(asBob, wf, 'Approve', 'confirmed with the account owner');
  expect(new URL(asBob.url()).searchParams.get('done')).toBe('approve');
  await expect(asBob.getByRole('status').textContent()).resolves.toContain(`Approved ${wf}.`);

  // The run's own page shows it finish.
  await asBob.goto(`${base}/admin/runs/${encodeURIComponent(wf)}`);
  for (let i = 0; i < 100 && (await asBob.locator('#run-status').textContent()) !== 'COMPLETED'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    await asBob.reload();
  }
  expect(await asBob.locator('#run-status').textContent()).toBe('COMPLETED');
  const steps = await asBob.getByRole('table', { name: 'Steps of the run' }).textContent();
  expect(steps).toContain('deleteClientData');
  expect(await t.sql(`select 1 from client where id = ?`, [c.id])).toEqual([]);
  const decided = await t.sql(
    `select action, actor_id from audit_event where action = 'run.approve' and resource_id = ?`,
    [wf],
  );
  expect(decided).toEqual([{ action: 'run.approve', actor_id: bob.username }]);

  mkdirSync('.data', { recursive: true });
  await asBob.screenshot({ path: '.data/runs-console.png', fullPage: true });
}, 120_000);
