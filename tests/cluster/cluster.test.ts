import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { connectClient, type TemporalEndpoint } from '../../src/platform/temporal/connection.ts';
import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { startCluster, type Cluster, type PlatformProcess } from '../support/cluster/index.ts';
import { bootstrapBody, execute } from '../support/control.ts';
import { rowsOwnedBy, seedClient } from '../support/factories.ts';
import { BLOCKED_DELETION, deletionUnderWay, holdClientRow, killHard, waitFor } from '../support/faults.ts';
import { runsOf } from '../support/temporal.ts';
import { startWorkerProcess } from '../support/worker-process.ts';

// The production topology (tests/support/cluster): a real Temporal server on PostgreSQL with mTLS,
// PostgreSQL over TLS, two API processes behind a round-robin proxy, two worker processes.
let c: Cluster;
const log = (m: string) => process.stderr.write(`[cluster] ${m}\n`);

beforeAll(async () => {
  const started = Date.now();
  c = await startCluster({ apis: 2, workers: 2, log });
  log(`cluster up in ${Date.now() - started} ms`);
}, 240_000);
afterAll(async () => {
  await c?.stop();
}, 60_000);

/** The worker process whose transaction is blocked on the held client row. */
async function blockedWorker(): Promise<PlatformProcess> {
  let name = '';
  await waitFor(async () => {
    const rows = await c.sql<{ application_name: string }>(
      `select application_name from pg_stat_activity where wait_event_type = 'Lock' and query ilike ?`,
      [BLOCKED_DELETION],
    );
    name = rows[0]?.application_name ?? '';
    return name !== '';
  }, 'the deletion transaction to block on the client row');
  return c.workers.find((w) => w.name === name)!;
}

/** A client whose deletion (through the proxy) is under way and blocked on its row inside the transaction. */
async function deletionBlockedInItsTransaction(records: number) {
  const client = await seedClient(c, { opsAlertsMuted: true, records });
  const lock = await holdClientRow(c.databaseUrl, client.id);
  return { client, lock, pending: deletionUnderWay(c.api, client) };
}

const deleteOnce = async (clientId: string) => {
  const audits = await c.sql(`select outcome from audit_event where action = 'client.delete' and resource_id = ?`, [
    clientId,
  ]);
  expect(audits).toEqual([{ outcome: 'success' }]);
  const logs = await c.sql(`select count(*)::int as n from client_deletion where client_id = ?`, [clientId]);
  expect(logs[0].n).toBe(1);
  expect(await rowsOwnedBy(c, clientId)).toMatchObject({ client: 0, messages: 0, customers: 0, bookings: 0 });
};

const deletionAttempts = async (workflowId: string) => {
  const history = await c.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const scheduledId = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deleteClientData',
  )!.eventId;
  const starts = events
    .map((e) => e.activityTaskStartedEventAttributes)
    .filter((a) => a && String(a.scheduledEventId) === String(scheduledId));
  return starts.map((a) => ({ attempt: Number(a!.attempt), identity: a!.identity ?? '' }));
};

describe('connections for production', () => {
  test('every connection of the APIs, the workers and the Temporal server to PostgreSQL is encrypted', async () => {
    // A pool closes idle connections (10 s), so each process is seen while deletions keep both workers busy;
    // every connection seen on the way must be encrypted.
    const seen = new Set<string>();
    const everyProcess = ['api-1', 'api-2', 'worker-1', 'worker-2'];
    let temporalConnections = 0;
    await waitFor(
      async () => {
        const clients = await Promise.all([1, 2].map(() => seedClient(c, { opsAlertsMuted: true })));
        const deletions = clients.map((k) =>
          c.api.delete(`/api/admin/clients/${k.id}`).send({ confirmBusinessName: k.businessName }),
        );
        const rows = await c.sql<{ datname: string; application_name: string; ssl: boolean }>(
          `select a.datname, a.application_name, s.ssl from pg_stat_activity a join pg_stat_ssl s using (pid)
          where a.datname in ('ops', 'temporal', 'temporal_visibility') and a.pid <> pg_backend_pid()`,
        );
        expect((await Promise.all(deletions)).map((r) => r.status)).toEqual([200, 200]);
        expect(rows.filter((r) => !r.ssl)).toEqual([]);
        for (const r of rows) if (r.datname === 'ops') seen.add(r.application_name);
        temporalConnections += rows.filter((r) => r.datname === 'temporal').length;
        return everyProcess.every((p) => seen.has(p));
      },
      `connections of ${everyProcess.join(', ')}`,
    );
    expect(temporalConnections).toBeGreaterThan(0);
  });

  test('the Temporal frontend refuses a client with no certificate, one from another CA, or plaintext', async () => {
    const tryCall = async (endpoint: TemporalEndpoint) => {
      const connection = await connectClient(endpoint, '2s');
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
    };
    const rogue = { crt: readFileSync(c.certs.rogue.cert), key: readFileSync(c.certs.rogue.key) };
    await expect(tryCall(c.endpoint({ clientCertPair: undefined }))).rejects.toThrow();
    await expect(tryCall(c.endpoint({ clientCertPair: rogue }))).rejects.toThrow();
    await expect(tryCall({ address: c.temporalAddress })).rejects.toThrow();
    await expect(tryCall(c.endpoint())).resolves.toBeUndefined();
  });

  test('a worker without its certificate stops at start with one line saying where it could not connect', async () => {
    const started = startWorkerProcess({
      DATABASE_URL: c.databaseUrl,
      TEMPORAL_ADDRESS: c.temporalAddress,
      TEMPORAL_TLS_CA: c.certs.ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.ops.test',
    });
    const err = (await started.then(
      () => new Error('the worker started'),
      (e: Error) => e,
    )) as Error;
    expect(err.message).toContain('exited with 1');
    expect(err.message).toContain(`cannot connect to Temporal at ${c.temporalAddress} (TLS)`);
    expect(err.message).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('two APIs behind a round-robin proxy and two workers', () => {
  test('a control plane duplicate storm across both APIs: every copy answers alike, one run, one effect', async () => {
    const businessId = `cluster-biz-${Date.now()}`;
    const body = bootstrapBody(businessId);
    const answers = await Promise.all(Array.from({ length: 40 }, () => execute(c, body, 'admin')));
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));
    for (const r of answers) expect(r.body.result).toEqual(answers[0].body.result);
    expect(answers.filter((r) => r.body._meta.cached === false)).toHaveLength(1);
    expect(await runsOf(c.temporal.client, opsWorkflowId('admin', body.meta.requestId))).toHaveLength(1);
    expect(await c.sql(`select id from client where id = ?`, [businessId])).toHaveLength(1);
    const created = await c.sql(
      `select count(*)::int as n from audit_event where action = 'tenant.create' and resource_id = ?`,
      [businessId],
    );
    expect(created[0].n).toBe(1);
  });

  test('a DELETE storm split across both APIs deletes once and writes one deletion log', async () => {
    const client = await seedClient(c, { opsAlertsMuted: true, records: 3 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        c.api.delete(`/api/admin/clients/${client.id}`).send({ confirmBusinessName: client.businessName }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of answers) expect(r.body.data.deletionLog).toEqual(answers[0].body.data.deletionLog);
    expect(answers[0].body.data.deletionLog.recordsDeleted).toMatchObject({ customers: 3, messages: 6 });
    expect(await runsOf(c.temporal.client, client.deleteWorkflowId)).toHaveLength(1);
    await deleteOnce(client.id);
  });

  test('a worker killed mid-deletion: the other worker finishes it and nothing is left half-deleted', async () => {
    const { client, lock, pending } = await deletionBlockedInItsTransaction(2);
    const victim = await blockedWorker();
    await killHard(victim.child);
    await lock.release();

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.data.deletionLog.recordsDeleted).toMatchObject({ customers: 2, messages: 4 });
    await deleteOnce(client.id);
    const attempts = await deletionAttempts(client.deleteWorkflowId);
    const survivor = c.workers.find((w) => w !== victim && w.child.exitCode === null)!;
    expect(attempts.at(-1)!.attempt).toBeGreaterThanOrEqual(2);
    expect(attempts.at(-1)!.identity.startsWith(`${survivor.child.pid}@`)).toBe(true);
    c.workers.splice(c.workers.indexOf(victim), 1);
    await c.startWorker('worker-3');
  });

  test('SIGTERM to a worker mid-deletion: it finishes its step, then exits; one attempt, one deletion', async () => {
    const { client, lock, pending } = await deletionBlockedInItsTransaction(2);
    const draining = await blockedWorker();
    draining.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(draining.child.exitCode).toBeNull(); // still finishing its activity
    await lock.release();

    expect((await pending).status).toBe(200);
    expect(await draining.exited).toBe(0);
    await deleteOnce(client.id);
    const attempts = await deletionAttempts(client.deleteWorkflowId);
    expect(attempts).toEqual([{ attempt: 1, identity: expect.stringMatching(new RegExp(`^${draining.child.pid}@`)) }]);
    c.workers.splice(c.workers.indexOf(draining), 1);
    await c.startWorker('worker-4');
  });

  test('SIGTERM to an API mid-request: 202 with the status URL at once, the API exits, the run completes', async () => {
    const client = await seedClient(c, { opsAlertsMuted: true, records: 1 });
    const lock = await holdClientRow(c.databaseUrl, client.id);
    const [stopping, other] = c.apis;
    const pending = deletionUnderWay(c.direct(stopping), client);
    await blockedWorker();
    const signalled = Date.now();
    stopping.child.kill('SIGTERM');
    const res = await pending;
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ deleted: false, status: 'RUNNING', workflowId: client.deleteWorkflowId });
    expect(await stopping.exited).toBe(0);

    await lock.release();
    let status = '';
    await waitFor(async () => {
      status = (await c.direct(other).get(res.body.data.statusUrl)).body.data?.status;
      return status === 'COMPLETED';
    }, 'the deletion to complete');
    await deleteOnce(client.id);
    await c.restartApi(stopping);
  });

  test('an API killed mid-request: the retry on the other API joins the same run; one deletion', async () => {
    const client = await seedClient(c, { opsAlertsMuted: true, records: 1 });
    const lock = await holdClientRow(c.databaseUrl, client.id);
    const [victim, other] = c.apis;
    const body = { confirmBusinessName: client.businessName };
    const lost = c
      .direct(victim)
      .delete(`/api/admin/clients/${client.id}`)
      .send(body)
      .then(
        (r) => r.status,
        (e: Error) => e.message,
      );
    await blockedWorker();
    await killHard(victim.child);
    expect(await lost).toMatch(/socket hang up|ECONNRESET/);

    const retry = c
      .direct(other)
      .delete(`/api/admin/clients/${client.id}`)
      .send(body)
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 500));
    await lock.release();
    const res = await retry;
    expect(res.status).toBe(200);
    expect(res.body.data.deletionLog.recordsDeleted).toMatchObject({ customers: 1 });
    expect(await runsOf(c.temporal.client, client.deleteWorkflowId)).toHaveLength(1);
    await deleteOnce(client.id);
    await c.restartApi(victim);
  });
});
