import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

describe('platform endpoints', () => {
  test('healthz answers ok without auth', async () => {
    const res = await t.anonymous.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('readyz reports database and Temporal as ok', async () => {
    const res = await t.anonymous.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });

  test('metrics are exposed in Prometheus format and count requests by route', async () => {
    await t.api.get('/api/admin/clients');
    const res = await t.anonymous.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/admin\/clients",status="200"\} \d+/,
    );
  });

  test('openapi.json documents every cockpit route with its query parameters', async () => {
    const res = await t.anonymous.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/admin/alerts',
        '/api/admin/stuck-clients',
        '/api/admin/clients',
        '/api/admin/clients/{id}',
        '/api/admin/clients/{id}/mute-alerts',
        '/api/admin/clients/{id}/reset-payment-alert',
        '/api/admin/clients/{id}/reset-stuck',
      ]),
    );
    const limit = res.body.paths['/api/admin/alerts'].get.parameters.find((p: any) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false });
    expect(res.body.paths['/api/admin/clients/{id}'].delete.requestBody).toBeDefined();
  });

  test('echoes a caller-supplied request id and generates one otherwise', async () => {
    const given = await t.anonymous.get('/healthz').set('X-Request-Id', 'n8n-run-42');
    expect(given.headers['x-request-id']).toBe('n8n-run-42');
    const generated = await t.anonymous.get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('unknown route answers 404 in the module envelope', async () => {
    const res = await t.api.get('/api/admin/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'No route for GET /api/admin/nope' },
    });
  });

  test('malformed JSON is a 400 INVALID_JSON, not a 500', async () => {
    const res = await t.api
      .patch('/api/admin/clients/x/mute-alerts')
      .set('Content-Type', 'application/json')
      .send('{"muted": tru');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  test('a body over the size limit is refused with 413', async () => {
    const res = await t.api
      .patch('/api/admin/clients/x/mute-alerts')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ muted: true, pad: 'x'.repeat(200_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
