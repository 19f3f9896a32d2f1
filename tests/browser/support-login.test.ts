import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { createOperator, seedConversations } from '../support/support.ts';

let t: TestContext;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  t = await createTestContext();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

test('an operator signs in through the login page and sees the conversation list', async () => {
  const creds = await createOperator(t);
  const { ids } = await seedConversations(t, 2, 1);
  // Make them the most recently updated, so they are on the first page whatever else this database holds.
  await t.sql(`update conversation set updated_at = clock_timestamp() + interval '1 minute' where id in (?)`, [ids]);
  const { port } = t.server.address() as AddressInfo;
  const page = await browser.newPage();

  await page.goto(`http://127.0.0.1:${port}/admin`);
  expect(new URL(page.url()).pathname).toBe('/admin/login');

  await page.getByLabel('Username').fill(creds.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid username or password.');

  await page.getByLabel('Password').fill(creds.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`http://127.0.0.1:${port}/admin`);

  const table = page.getByRole('table', { name: 'Conversations, most recently updated first' });
  await expect(table.isVisible()).resolves.toBe(true);
  const text = await table.textContent();
  for (const id of ids) expect(text).toContain(id);
  await expect(page.getByText(`Signed in as ${creds.username}`).isVisible()).resolves.toBe(true);

  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'ops_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

  mkdirSync('.data', { recursive: true });
  await page.screenshot({ path: '.data/support-admin.png', fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`http://127.0.0.1:${port}/admin/login`);
  await page.goto(`http://127.0.0.1:${port}/admin`);
  expect(new URL(page.url()).pathname).toBe('/admin/login');
});
