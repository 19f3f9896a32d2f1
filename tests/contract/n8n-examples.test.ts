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
/** The requests that run a control plane tool (POST execute with a body). */
const posts = (nodes: N8nNode[]) => https(nodes).filter((n) => n.parameters.jsonBody);

describe('examples/n8n are built the n8n way', () => {
  test('there is a flow for every tool an n8n user starts', () => {
    const tools = examples.flatMap((e) =>
      posts(e.nodes).map((h) => /tool: '([\w.]+)'/.exec(h.parameters.jsonBody)![1]),
    );
    expect(tools.sort()).toEqual(
      ['billing.validateStripeConfig', 'tenant.bootstrap', 'tenant.provisioningSummary', 'voice.smokeTest'].sort(),
    );
    // and one for the cockpit
    expect(examples.map((e) => e.file)).toContain('cockpit-stuck-clients.json');
  });

  test.each(examples)('$file: no $env, the key from the Header Auth credential, the URL from Settings', (e) => {
    expect(e.text).not.toContain('$env');
    for (const h of https(e.nodes)) {
      expect(h.parameters.authentication).toBe('genericCredentialType');
      expect(h.parameters.genericAuthType).toBe('httpHeaderAuth');
      expect(['opsN8nKey', 'opsOperatorKey']).toContain(h.credentials?.httpHeaderAuth.id);
      expect(h.parameters.url).toMatch(/^=\{\{ \$\('Settings'\)\.first\(\)\.json\.opsApiUrl \}\}/);
    }
  });

  test.each(examples)('$file: the body is one expression returning an object, never a string template', (e) => {
    for (const h of posts(e.nodes)) expect(h.parameters.jsonBody).toMatch(/^=\{\{ \{[\s\S]*\} \}\}$/);
  });

  test.each(examples)('$file: the requestId is per instance and per execution, never per try', (e) => {
    for (const h of posts(e.nodes)) {
      expect(h.parameters.jsonBody).toMatch(/requestId: `n8n-\$\{\$workflow\.id\}-\$\{\$execution\.id\}-\w+`/);
      expect(h.parameters.jsonBody).not.toMatch(/\$now|Date\.now|\$runIndex/);
    }
  });

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
      // spec 004 answers { ok }, spec 000 { success }
      expect(ok.parameters.conditions.conditions[0].leftValue).toMatch(
        /\$json\.statusCode === 200 && \$json\.body\.(ok|success) === true/,
      );
    },
  );

  test('the credential template holds placeholders, never a key', () => {
    const [n8nKey, operatorKey] = JSON.parse(readFileSync(`${EXAMPLES_DIR}/credentials.json`, 'utf8'));
    expect(n8nKey).toMatchObject({
      id: 'opsN8nKey',
      type: 'httpHeaderAuth',
      data: { name: 'x-book8-internal-secret' },
    });
    expect(n8nKey.data.value).toBe('PASTE_YOUR_OPS_KEY_N8N');
    expect(operatorKey).toMatchObject({ id: 'opsOperatorKey', data: { name: 'Authorization' } });
    expect(operatorKey.data.value).toBe('Bearer PASTE_AN_OPERATOR_KEY');
  });
});
