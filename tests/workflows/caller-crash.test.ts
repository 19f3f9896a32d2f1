import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestContext } from '../support/context.ts';
import { adminToken, bearer, createClient, CALLER_ENV } from '../support/caller.ts';
import { uniqueId } from '../support/factories.ts';
import { killHard, waitFor } from '../support/faults.ts';
import { callsSince } from '../support/recording-proxy.ts';
import { startTestWorker } from '../support/worker-process.ts';

// Its own worker on a private task queue, with Twilio behind a proxy that lets
// the first call through to Twilio and withholds Twilio's answer.
const taskQueue = uniqueId('caller-crash-queue');
let t: TestContext;
let gate: Server;
let gateUrl = '';
let holdNext = false;
let held = 0;
const workers: ChildProcess[] = [];

const startWorker = async () => {
  const w = await startTestWorker({
    databaseUrl: t.env.databaseUrl,
    temporalAddress: t.env.temporalAddress,
    taskQueue,
    stripeApiBase: t.env.stripeProxy,
    twilioApiBase: gateUrl,
  });
  workers.push(w);
  return w;
};

beforeAll(async () => {
  t = await createTestContext({ taskQueue, env: { ...CALLER_ENV, SYNC_WAIT: '60s' } });
  const upstream = new URL(t.env.twilioProxy);
  gate = createServer((req, res) => {
    const hold = holdNext && req.method === 'POST' && req.url!.endsWith('/Calls.json');
    if (hold) {
      holdNext = false;
      held++;
    }
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        if (hold) return up.resume(); // Twilio placed the call; the worker never hears
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(out);
  });
  await new Promise<void>((r) => gate.listen(0, '127.0.0.1', () => r()));
  gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
  await startWorker();
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  gate.closeAllConnections();
  await new Promise((r) => gate.close(r));
  await t.close();
});

test('a worker killed after the intent and before Twilio answered: the call is never placed twice', async () => {
  const admin = await adminToken(t);
  const c = await createClient(t, admin);
  const since = Date.now();
  holdNext = true;
  const answer = t.anonymous
    .post(`/admin/clients/${c.clientId}/make-call`)
    .set(bearer(admin))
    .set('Idempotency-Key', `crash-${randomUUID()}`)
    .send({ phone: '+12125551234' })
    .then((r) => r);
  await waitFor(async () => held > 0, 'the call to reach Twilio');
  const [intent] = await t.sql(`select status, dial_started_at from caller_call where client_id = ?`, [c.clientId]);
  expect(intent.status).toBe('initiated');
  expect(intent.dial_started_at).not.toBeNull();
  await killHard(workers[workers.length - 1]);
  await startWorker();
  const res = await answer;
  // The retry found the row claimed and looked the call up at Twilio instead of dialling again. The mock
  // does not list calls it was sent, so the outcome is reported as unknown, never as a second call.
  expect([200, 500]).toContain(res.status);
  if (res.status === 500) expect(res.body.code).toBe('CALL_OUTCOME_UNKNOWN');
  const posts = (await callsSince(t.env.twilioProxy, since)).filter(
    (x) => x.method === 'POST' && x.path.endsWith('/Calls.json'),
  );
  expect(posts).toHaveLength(1);
  const [row] = await t.sql(`select status, agent_notes from caller_call where client_id = ?`, [c.clientId]);
  if (res.status === 500)
    expect(row).toMatchObject({ status: 'failed', agent_notes: expect.stringMatching(/unknown/) });
}, 90_000);
