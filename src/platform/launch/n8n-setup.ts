import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The examples shipped for n8n (every file but the credential template). */
export const EXAMPLES_DIR = resolve(import.meta.dirname, '../../../examples/n8n');
export const exampleFiles = () =>
  readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json') && f !== 'credentials.json');

/** n8n's environment for one data folder: local, quiet, and with `$env` blocked as n8n 2.x does by default. */
export function n8nEnv(userFolder: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_OPTIONS: '',
    // Whoever starts it (jest sets NODE_ENV=test, under which n8n prints nothing), n8n runs as itself.
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
    N8N_RUNNERS_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
    ...extra,
  };
}

export interface N8nInstance {
  bin: string;
  env: NodeJS.ProcessEnv;
  /** Workflow id by example file, as this instance knows it. */
  ids: Record<string, string>;
}

/** A workflow as the examples hold it, with the fields an import adds. */
interface WorkflowFile {
  name: string;
  nodes: { name: string; parameters: { assignments?: { assignments?: { name: string; value: string }[] } } }[];
  [k: string]: unknown;
}

/**
 * Imports the credential (with the platform's n8n key) and every example into
 * one n8n data folder, pointing each flow's Settings node at `apiUrl`. Each
 * workflow gets an id generated once per data folder (kept there), so a second
 * n8n has other ids — and so other requestIds — while a re-import overwrites.
 */
export async function importExamples(
  bin: string,
  userFolder: string,
  opts: {
    apiUrl: string;
    /** The control plane n8n key (credential "Ops Platform (n8n key)"). */
    key: string;
    /** An operator key for the cockpit and dispatch flows (credential "Ops Platform (operator key)"). */
    operatorKey?: string;
    /** The `n8n` operator account's password, for the caller flow's sign-in (credential "…(caller sign-in)"). */
    operatorPassword?: string;
    only?: string[];
    inputs?: Record<string, Record<string, string>>;
  },
): Promise<N8nInstance> {
  mkdirSync(userFolder, { recursive: true });
  const env = n8nEnv(userFolder);
  const staging = join(userFolder, 'ops-import');
  mkdirSync(staging, { recursive: true });
  const idsFile = join(userFolder, 'ops-workflow-ids.json');
  const ids: Record<string, string> = existsSync(idsFile) ? JSON.parse(readFileSync(idsFile, 'utf8')) : {};
  const template = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'credentials.json'), 'utf8')) as {
    id: string;
    data: Record<string, string>;
  }[];
  // What replaces each credential's placeholder; a credential with nothing to fill keeps it.
  const filled: Record<string, Record<string, string> | undefined> = {
    opsN8nKey: { value: opts.key },
    opsOperatorKey: opts.operatorKey ? { value: `Bearer ${opts.operatorKey}` } : undefined,
    opsCallerSignIn: opts.operatorPassword
      ? { json: JSON.stringify({ body: { username: 'n8n', password: opts.operatorPassword } }) }
      : undefined,
  };
  const credentials = template.map((c) => ({ ...c, data: { ...c.data, ...filled[c.id] } }));
  // The key is on disk (0600) only while n8n imports it; n8n keeps it encrypted in its own database.
  const credentialsFile = join(staging, 'credentials.json');
  writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  try {
    await run(bin, ['import:credentials', `--input=${credentialsFile}`], { env });
  } finally {
    rmSync(credentialsFile, { force: true });
  }
  for (const file of exampleFiles().filter((f) => !opts.only || opts.only.includes(f))) {
    const wf = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowFile;
    ids[file] ??= randomBytes(8).toString('hex');
    for (const node of wf.nodes) {
      const assignments = node.parameters.assignments?.assignments;
      if (node.name === 'Settings')
        for (const a of assignments ?? []) if (a.name === 'opsApiUrl') a.value = opts.apiUrl;
      const given = opts.inputs?.[file];
      if (node.name === 'Input' && given)
        for (const a of assignments ?? []) if (a.name in given) a.value = given[a.name];
    }
    writeFileSync(
      join(staging, file),
      JSON.stringify({ ...wf, id: ids[file], active: false, versionId: randomUUID() }),
    );
    await run(bin, ['import:workflow', `--input=${join(staging, file)}`], { env });
  }
  writeFileSync(idsFile, JSON.stringify(ids));
  return { bin, env, ids };
}

/**
 * Waits until n8n's REST API is mounted: its port and its health check answer a moment before
 * its controllers do (a page opened then shows "Cannot GET"). An unauthenticated API call
 * answering JSON is the sign.
 */
export async function waitForN8nApi(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/rest/workflows`).catch(() => null);
    if (res?.headers.get('content-type')?.includes('application/json')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`n8n at ${baseUrl} did not mount its API in ${timeoutMs / 1000} s`);
}

export interface N8nOwner {
  email: string;
  password: string;
  /** Whether this call made the owner (the first start of this data folder). */
  created: boolean;
}

/**
 * Sets up n8n's owner account on a new data folder, so the first page a user sees is the sign-in,
 * not the owner-setup form: a generated password (n8n's rules: a digit and an upper-case letter)
 * kept beside n8n's own data (mode 0600). A folder whose owner exists keeps it, password and all;
 * null when someone set the owner up by hand (they know the password).
 */
export async function ensureN8nOwner(baseUrl: string, userFolder: string): Promise<N8nOwner | null> {
  const file = join(userFolder, 'ops-owner.json');
  if (existsSync(file)) return { ...(JSON.parse(readFileSync(file, 'utf8')) as N8nOwner), created: false };
  const owner = { email: 'ops@example.com', password: `Ops-${randomBytes(12).toString('base64url')}-9` };
  const res = await fetch(`${baseUrl}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...owner, firstName: 'Ops', lastName: 'Platform' }),
  });
  if (res.status === 400 && (await res.clone().text()).includes('already setup')) return null;
  if (!res.ok) {
    const why = (await res.text()).slice(0, 300);
    throw new Error(`n8n refused the owner setup (${res.status}): ${why}`);
  }
  writeFileSync(file, JSON.stringify(owner), { mode: 0o600 });
  return { ...owner, created: true };
}

/** An n8n item's json: for an HTTP node with the full response, `{ statusCode, headers, body }`. */
export type N8nItem = Record<string, unknown> & { statusCode?: number; body?: unknown };

export interface N8nRun {
  /** Nodes that ran, with how many times. */
  ran: Record<string, number>;
  /** The last output item of each node that ran. */
  last: Record<string, N8nItem | undefined>;
  /** The first output item of each run of each node, in order. */
  outputs: Record<string, (N8nItem | undefined)[]>;
  ok: boolean;
  raw: unknown;
}

/** Runs one imported example with `n8n execute` and reads what each node did. */
export async function executeExample(n8n: N8nInstance, file: string): Promise<N8nRun> {
  const { stdout, stderr } = await run(n8n.bin, ['execute', `--id=${n8n.ids[file]}`, '--rawOutput'], {
    env: n8n.env,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout?: string; stderr?: string; message?: string }) => ({
    stdout: err.stdout ?? '',
    stderr: `${err.stderr ?? ''} ${err.message ?? ''}`,
  }));
  if (!stdout.includes('{')) throw new Error(`n8n execute printed no execution: ${stderr.slice(0, 2000)}`);
  const start = stdout.indexOf('{');
  const raw = start >= 0 ? JSON.parse(stdout.slice(start)) : null;
  const runData = (raw?.data?.resultData?.runData ?? {}) as Record<
    string,
    { data?: { main?: ({ json: N8nItem } | null)[][] } }[]
  >;
  const ran = Object.fromEntries(Object.entries(runData).map(([name, runs]) => [name, runs.length]));
  const last = Object.fromEntries(
    Object.entries(runData).map(([name, runs]) => {
      const main = runs[runs.length - 1]?.data?.main ?? [];
      const item = main.flat().find(Boolean);
      return [name, item?.json];
    }),
  );
  const outputs = Object.fromEntries(
    Object.entries(runData).map(([name, runs]) => [
      name,
      runs.map((r) => (r.data?.main ?? []).flat().find(Boolean)?.json),
    ]),
  );
  return { ran, last, outputs, ok: !raw?.data?.resultData?.error, raw };
}
