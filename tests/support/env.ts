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
    stripeProxy: process.env[`OPS_TEST_STRIPE_PROXY_${slot}`]!,
    twilioProxy: process.env[`OPS_TEST_TWILIO_PROXY_${slot}`]!,
  };
}

/** Control plane keys the test API is configured with (spec 004 key types). */
export const CONTROL_KEYS = {
  admin: 'test-admin-key-0123456789abcdef',
  n8n: 'test-n8n-key-0123456789abcdefgh',
  legacy: 'test-legacy-key-0123456789abcde',
  readonly: 'test-readonly-key-0123456789abc',
};

/** The key the test API signs caller (spec 003) JWTs with. */
export const CALLER_JWT_SECRET = 'test-caller-jwt-secret-0123456789abcdef';
