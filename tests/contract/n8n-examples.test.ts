import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { EXAMPLES_DIR, exampleFiles } from '../../src/platform/launch/n8n-setup.ts';

// What every example must be, read from its file (tests/n8n/ runs them in a real n8n).

interface N8nNode {
  name: string;
  type: string;
  parameters: Record<string, any>;
  credentials?: Record<string, { id: string; name: string }>;
  retryOnFail?: boolean;
}
const examples = exampleFiles().map((file) => ({
  file,
  text: readFileSync(`${EXAMPLES_DIR}/${file}`, 'utf8'),
  nodes: (JSON.parse(readFileSync(`${EXAMPLES_DIR}/${file}`, 'utf8')) as { nodes: N8nNode[] }).nodes,
}));
const https = (nodes: N8nNode[]) => nodes.filter((n) => n.type === 'n8n-nodes-base.httpRequest');
/** The requests with a body (a POST). */
const posts = (nodes: N8nNode[]) => https(nodes).filter((n) => n.parameters.jsonBody);
/** The POSTs that change something: every one but a sign-in. */
const changes = (nodes: N8nNode[]) => posts(nodes).filter((n) => !n.parameters.url.endsWith('/login'));
/** The requests that run a control plane tool (POST execute): their requestId is the idempotency key. */
const toolCalls = (nodes: N8nNode[]) =>
  posts(nodes).filter((n) => n.parameters.url.endsWith('/api/internal/ops/execute'));
/** The other POSTs (dispatch): an Idempotency-Key header is theirs. */
const idempotencyKeyOf = (n: N8nNode): string | undefined =>
  n.parameters.headerParameters?.parameters?.find((h: { name: string }) => h.name === 'Idempotency-Key')?.value;

describe('examples/n8n are built the n8n way', () => {
  test('there is a flow for every tool an n8n user starts', () => {
    const tools = examples.flatMap((e) =>
      toolCalls(e.nodes).map((h) => /tool: '([\w.]+)'/.exec(h.parameters.jsonBody)![1]),
    );
    expect([...new Set(tools)].sort()).toEqual(
      ['billing.validateStripeConfig', 'tenant.bootstrap', 'tenant.provisioningSummary', 'voice.smokeTest'].sort(),
    );
    // and one for the cockpit, dispatch and the caller each
    expect(examples.map((e) => e.file)).toEqual(
      expect.arrayContaining(['cockpit-stuck-clients.json', 'dispatch-refund.json', 'caller-make-call.json']),
    );
    // and a bootstrap that waits for the platform's completion callback
    expect(examples.map((e) => e.file)).toContain('tenant-bootstrap-callback.json');
  });

  test.each(examples)('$file: no $env, every secret from an n8n credential, the URL from Settings', (e) => {
    expect(e.text).not.toContain('$env');
    for (const h of https(e.nodes)) {
      expect(h.parameters.url).toMatch(/^=\{\{ \$\('Settings'\)\.first\(\)\.json\.opsApiUrl \}\}/);
      const bearer = h.parameters.headerParameters?.parameters?.find(
        (p: { name: string }) => p.name === 'Authorization',
      );
      if (bearer) {
        // The caller's JWT: the answer of the flow's own sign-in, never a secret written into the flow.
        expect(bearer.value).toBe("={{ `Bearer ${$('Sign in').first().json.body.token}` }}");
        continue;
      }
      expect(h.parameters.authentication).toBe('genericCredentialType');
      const [type, credential] = Object.entries(h.credentials ?? {})[0] ?? [];
      expect([h.parameters.genericAuthType, type]).toEqual([type, type]);
      expect(['opsN8nKey', 'opsOperatorKey', 'opsCallerSignIn']).toContain(credential?.id);
    }
  });

  test.each(examples)('$file: the body is one expression returning an object, never a string template', (e) => {
    for (const h of posts(e.nodes)) expect(h.parameters.jsonBody).toMatch(/^=\{\{ \{[\s\S]*\} \}\}$/);
  });

  test.each(examples)(
    '$file: the requestId or Idempotency-Key is per instance and per execution, never per try',
    (e) => {
      for (const h of changes(e.nodes)) {
        const key = toolCalls(e.nodes).includes(h)
          ? /requestId: (`[^`]*`)/.exec(h.parameters.jsonBody)?.[1]
          : /^=\{\{ (`[^`]*`) \}\}$/.exec(idempotencyKeyOf(h) ?? '')?.[1];
        expect([h.name, key]).toEqual([
          h.name,
          expect.stringMatching(/^`n8n-\$\{\$workflow\.id\}-\$\{\$execution\.id\}-\w+`$/),
        ]);
        expect(h.parameters.jsonBody).not.toMatch(/\$now|Date\.now|\$runIndex/);
      }
    },
  );

  test.each(examples)(
    '$file: only 429 and 5xx are retried, after Retry-After; the rest branch on status and ok',
    (e) => {
      for (const h of https(e.nodes)) expect(h.retryOnFail ?? false).toBe(false);
      const retry = e.nodes.find((n) => n.name === 'Retry later?')!;
      expect(retry.parameters.conditions.conditions[0].leftValue).toContain(
        '$json.statusCode === 429 || $json.statusCode >= 500',
      );
      const wait = e.nodes.find((n) => n.type === 'n8n-nodes-base.wait')!;
      expect(wait.parameters.amount).toContain("$json.headers['retry-after']");
      const ok = e.nodes.find((n) => n.name === 'OK?')!;
      // spec 004 answers { ok }, spec 000 { success }, spec 002 the refund with its status
      const status = /(\$json\.statusCode === 200|\[200, 202\]\.includes\(\$json\.statusCode\))/.source;
      const verdict = /(\$json\.body\.(ok|success) === true|\[[^\]]+\]\.includes\(\$json\.body\.status\))/.source;
      expect(ok.parameters.conditions.conditions[0].leftValue).toMatch(new RegExp(`^=\\{\\{ ${status} && ${verdict}`));
    },
  );

  test('the credential template holds placeholders, never a key', () => {
    const [n8nKey, operatorKey, callerSignIn] = JSON.parse(readFileSync(`${EXAMPLES_DIR}/credentials.json`, 'utf8'));
    expect(n8nKey).toMatchObject({
      id: 'opsN8nKey',
      type: 'httpHeaderAuth',
      data: { name: 'x-book8-internal-secret' },
    });
    expect(n8nKey.data.value).toBe('PASTE_YOUR_OPS_KEY_N8N');
    expect(operatorKey).toMatchObject({ id: 'opsOperatorKey', data: { name: 'Authorization' } });
    expect(operatorKey.data.value).toBe('Bearer PASTE_AN_OPERATOR_KEY');
    expect(callerSignIn).toMatchObject({ id: 'opsCallerSignIn', type: 'httpCustomAuth' });
    expect(JSON.parse(callerSignIn.data.json)).toEqual({
      body: { username: 'n8n', password: 'PASTE_THE_N8N_OPERATOR_PASSWORD' },
    });
  });
});
