import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

/** BENCH_DIAG: where a run's time went, as the gaps between its history events. */
export async function printHistoryGaps(client: Client, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  console.log(`  history of ${workflowId}:`);
  let prev = 0;
  for (const e of history.events ?? []) {
    const at = Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    console.log(
      `  ${String(proto.temporal.api.enums.v1.EventType[e.eventType ?? 0]).padEnd(48)} +${prev ? at - prev : 0} ms`,
    );
    prev = at;
  }
}
