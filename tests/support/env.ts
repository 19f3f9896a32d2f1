/** What global setup prepared for this jest worker: its own database and task queue. */
export function testEnv() {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  const slot = ((worker - 1) % Number(process.env.OPS_TEST_WORKERS ?? '1')) + 1;
  const runId = process.env.OPS_TEST_RUN_ID!;
  const adminUrl = new URL(process.env.OPS_TEST_ADMIN_URL!);
  adminUrl.pathname = `/ops_test_${runId}_${slot}`;
  return {
    databaseUrl: adminUrl.toString(),
    temporalAddress: process.env.OPS_TEST_TEMPORAL_ADDRESS!,
    taskQueue: `ops-test-${runId}-${slot}`,
    operatorKey: process.env.OPS_TEST_OPERATOR_KEY!,
  };
}
