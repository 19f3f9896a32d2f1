import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../support/context.ts';
import { CONTROL_KEYS } from '../support/env.ts';
import { uniqueId } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

interface N8nNode {
  name: string;
  type: string;
  parameters: Record<string, any>;
}

/**
 * Evaluates an n8n parameter the way n8n does: a leading '=' makes it an
 * expression; a parameter that is one {{ … }} keeps the value's type (an object
 * body stays an object), otherwise each {{ … }} is spliced in as text.
 */
function resolve(value: string, scope: Record<string, unknown>): unknown {
  if (!value.startsWith('=')) return value;
  const evaluate = (expr: string) => new Function(...Object.keys(scope), `return (${expr});`)(...Object.values(scope));
  const whole = /^=\{\{([\s\S]+)\}\}$/.exec(value.trim());
  if (whole) return evaluate(whole[1]);
  return value.slice(1).replace(/\{\{([\s\S]+?)\}\}/g, (_m, expr: string) => String(evaluate(expr)));
}

/** The body an example's HTTP node sends: what n8n puts on the wire for it. */
function bodyOf(http: N8nNode, scope: Record<string, unknown>): unknown {
  const value = resolve(http.parameters.jsonBody, scope);
  // A string body is parsed by n8n as JSON; an object is sent as it is.
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Runs a workflow file's Set and HTTP Request nodes against the real API. */
async function runExample(file: string, item: Record<string, string>) {
  const wf = JSON.parse(readFileSync(new URL(`../../examples/n8n/${file}`, import.meta.url), 'utf8')) as {
    nodes: N8nNode[];
  };
  const http = wf.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest')!;
  const setNode = wf.nodes.find((n) => n.type === 'n8n-nodes-base.set')!;
  const defaults = Object.fromEntries(setNode.parameters.assignments.assignments.map((a: any) => [a.name, a.value]));
  const { port } = t.server.address() as AddressInfo;
  const scope = {
    $json: { ...defaults, ...item },
    $env: { OPS_API_URL: `http://127.0.0.1:${port}`, OPS_API_KEY: CONTROL_KEYS.n8n },
    $execution: { id: uniqueId('exec') },
    $workflow: { id: 'wf-test-instance' },
  };
  const headers = Object.fromEntries(
    http.parameters.headerParameters.parameters.map((h: any) => [h.name, resolve(h.value, scope)]),
  );
  const body = http.parameters.sendBody ? (bodyOf(http, scope) as any) : undefined;
  const res = await fetch(String(resolve(http.parameters.url, scope)), {
    method: http.parameters.method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as any, body, wf };
}

describe('examples/n8n workflows drive the real API', () => {
  test('tenant-bootstrap.json bootstraps a tenant and its IF node reads result.ready', async () => {
    const businessId = uniqueId('biz');
    const { status, json, body, wf } = await runExample('tenant-bootstrap.json', {
      businessId,
      businessName: 'From n8n',
    });
    expect(status).toBe(200);
    expect(body.meta.requestId).toMatch(/^n8n-wf-test-instance-exec-.+-bootstrap$/);
    expect(json.result).toMatchObject({ businessId, ready: true });
    const ifNode = wf.nodes.find((n) => n.type === 'n8n-nodes-base.if')!;
    expect(ifNode.parameters.conditions.conditions[0].leftValue).toBe('={{ $json.result.ready }}');
    expect((await t.sql(`select business_name from client where id = ?`, [businessId]))[0].business_name).toBe(
      'From n8n',
    );
  });

  test('check-provisioning.json returns the provisioning score', async () => {
    const businessId = uniqueId('biz');
    await t.sql(`insert into client (id, business_name, payment_active) values (?, 'Scored', true)`, [businessId]);
    const { status, json } = await runExample('check-provisioning.json', { businessId });
    expect(status).toBe(200);
    expect(json.result).toMatchObject({ exists: true, score: 40 });
  });
});

describe('example bodies are built as objects, so no input can break or extend them', () => {
  const HOSTILE = [
    'Inject Corp", "skipBillingCheck": true, "skipVoiceTest": true, "name": "Inject Corp',
    'Back\\slash "Quoted" Ltd',
    '}{"tool":"tenant.ensure"',
    '${process.exit(1)} {{ $env }}',
  ];

  test.each(HOSTILE)('a business name of %j is sent exactly as it is and changes nothing else', async (name) => {
    const businessId = uniqueId('biz');
    const { status, json, body } = await runExample('tenant-bootstrap.json', { businessId, businessName: name });
    expect(body.payload).toEqual({ businessId, name });
    expect(Object.keys(body).sort()).toEqual(['meta', 'payload', 'tool']);
    expect(status).toBe(200);
    // Neither check was skipped: the injected flags never became fields.
    expect(json.result.checklist.map((c: any) => c.status)).not.toContain('skipped');
    expect((await t.sql(`select business_name from client where id = ?`, [businessId]))[0].business_name).toBe(name);
  });

  test('every example builds its body as one expression returning an object, never a string template', () => {
    for (const file of ['tenant-bootstrap.json', 'check-provisioning.json']) {
      const wf = JSON.parse(readFileSync(new URL(`../../examples/n8n/${file}`, import.meta.url), 'utf8')) as {
        nodes: N8nNode[];
      };
      for (const http of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.httpRequest')) {
        expect(http.parameters.jsonBody).toMatch(/^=\{\{ \{[\s\S]*\} \}\}$/);
      }
    }
  });
});
