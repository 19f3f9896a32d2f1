import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedOrder } from '../support/dispatch.ts';
import { commonTrigrams, selectiveWords } from '../../src/platform/db/trigram-search.ts';
import { ORDER_SEARCH_STATISTICS } from '../../src/dispatch/orders.queries.ts';

// Most orders here share the words "Hollingsworth Removals": their trigrams are common, so a search
// for "Hollingsworth Removals 9731" asks the trigram index for "9731" (in 2 of 62 orders, under the
// 5 % that makes a trigram common) and checks the whole text on what it finds.
let t: TestContext;
const codes: Record<string, string> = {};
beforeAll(async () => {
  t = await createTestContext();
  for (let i = 0; i < 60; i++) await seedOrder(t, { customerName: `Hollingsworth Removals ${5000 + i}` });
  for (const name of ['Hollingsworth Removals 9731', 'Hollingsworth 9731 Removals'])
    codes[name] = (await seedOrder(t, { customerName: name })).code;
  await t.sql('analyze dispatch_order');
});
afterAll(async () => {
  await t.close();
});

test('the trigrams most orders share are read from the table statistics', async () => {
  const common = await commonTrigrams(() => t.orm.em as EntityManager, ORDER_SEARCH_STATISTICS)();
  expect(common.has('hol')).toBe(true);
  expect(common.has('973')).toBe(false);
  expect(selectiveWords('Hollingsworth Removals 9731', common)).toEqual(['9731']);
});

test('a search whose common words are left to the check finds exactly the orders holding the whole text', async () => {
  const res = await t.api.get(`/api/admin/orders?q=${encodeURIComponent('Hollingsworth Removals 9731')}&take=50`);
  expect(res.status).toBe(200);
  expect(res.body.items.map((i: any) => i.code)).toEqual([codes['Hollingsworth Removals 9731']]);
});

test('a search of common words only still goes to the index whole and finds them all', async () => {
  const res = await t.api.get(`/api/admin/orders?q=${encodeURIComponent('hollingsworth removals 50')}&take=50`);
  expect(res.status).toBe(200);
  expect(res.body.items).toHaveLength(50);
});
