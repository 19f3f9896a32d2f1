import type { Client } from '@temporalio/client';
import { runSearchAttributes } from '../src/platform/temporal/search-attributes.ts';
import { fmt, stats, type Stats } from './stats.ts';

/**
 * The runs console on BENCH_RUNS runs (10,000 by default) of one operation: the runs list's first
 * page and a page deep in the list (reached by its own cursors), each read BENCH_READS/4 times.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const log = (m: string) => console.error(`[bench] ${m}`);

export const runsBenchEnabled = () => RUNS > 0;

export async function runsReport(d: {
  client: Client;
  apiUrl: string;
  auth: Record<string, string>;
  reads: number;
  get: (url: string, headers: Record<string, string>) => Promise<void>;
  sql: (query: string, params?: unknown[]) => Promise<unknown[]>;
}): Promise<Record<string, number>> {
  // Real runs on a task queue no worker polls: they stay open, as a busy platform's runs do, and cost no work.
  const operation = 'bench-runs';
  log(`starting ${RUNS.toLocaleString()} runs for the runs list`);
  for (let i = 0; i < RUNS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, RUNS - i) }, (_, k) =>
        d.client.workflow.start('bareWorkflow', {
          workflowId: `bench-run-${i + k}`,
          taskQueue: 'bench-nobody-polls',
          args: [],
          typedSearchAttributes: runSearchAttributes({ operation, tenantId: `t-${(i + k) % 100}`, actor: 'bench' }),
        }),
      ),
    );
  }
  // Listed once every worker's run index has copied them from visibility.
  const indexed = async () =>
    ((await d.sql('select count(*)::int as n from run_index where operation = ?', [operation])) as { n: number }[])[0]
      .n;
  while ((await indexed()) < RUNS) await new Promise((r) => setTimeout(r, 200));
  // As after every seed here: the planner's statistics of the new rows (autovacuum's job within a minute).
  await d.sql('analyze run_index');

  const list = `${d.apiUrl}/api/admin/runs?operation=${operation}&limit=50`;
  // The cursor of the page at run ~90 % of the way down, walked to with the API's own cursors.
  let cursor = '';
  for (let seen = 0; seen < RUNS * 0.9; seen += 50) {
    const res = await fetch(`${list}${cursor ? `&cursor=${cursor}` : ''}`, { headers: d.auth });
    const body = (await res.json()) as { data: { nextCursor: string | null } };
    if (!body.data.nextCursor) break;
    cursor = body.data.nextCursor;
  }
  // The two pages are read in turns, so both meet the same background (the index's sweeps, visibility's own work).
  const n = Math.max(50, Math.floor(d.reads / 4));
  const samples = { first: [] as number[], deep: [] as number[] };
  for (let i = 0; i < n + 20; i++) {
    for (const [which, url] of [
      ['first', list],
      ['deep', `${list}&cursor=${cursor}`],
    ] as const) {
      const t0 = performance.now();
      await d.get(url, d.auth);
      if (i >= 20) samples[which].push(performance.now() - t0);
    }
  }
  const first: Stats = stats(samples.first);
  const deep: Stats = stats(samples.deep);
  const ratio = deep.p50 / first.p50;
  console.log(
    `\nRuns console on ${RUNS.toLocaleString()} runs (the run index, each page's runs read from visibility):\n` +
      `${'GET /api/admin/runs, first page'.padEnd(44)} p50 ${fmt(first.p50)}  p99 ${fmt(first.p99)}\n` +
      `${'GET /api/admin/runs, page at run 9,000'.padEnd(44)} p50 ${fmt(deep.p50)}  p99 ${fmt(deep.p99)}` +
      `  deep/first ${ratio.toFixed(2)}× (target ≤ 1.5×)`,
  );
  return { runs_first_p50_ms: first.p50, runs_deep_p50_ms: deep.p50, runs_deep_first_ratio: ratio };
}
