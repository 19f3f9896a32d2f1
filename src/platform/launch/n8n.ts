import { join, resolve } from 'node:path';
import { loadConfig, ConfigError } from '../config.ts';
import { demoN8nKey, n8nOperatorKeyFile, n8nOperatorPasswordFile, readSecretFile } from './first-start.ts';
import { freePort } from './free-port.ts';
import { ensureN8nOwner, importExamples, n8nEnv, waitForN8nApi } from './n8n-setup.ts';
import { portIsOpen, spawnService, stopChild, waitForPort } from './processes.ts';

const log = (m: string) => console.error(`[ops] ${m}`);

/**
 * `./ops n8n`: the pinned n8n (installed by ./ops into .tools/n8n) with its data
 * in the data directory, the platform's n8n key as the "Ops Platform (n8n key)"
 * credential, and every example imported with Settings pointing at the API.
 */
async function main(): Promise<void> {
  const bin = process.env.N8N_BIN;
  if (!bin) throw new ConfigError('N8N_BIN is not set: start n8n with ./ops n8n');
  const config = loadConfig();
  const folder = resolve(config.dataDir, 'n8n');
  const key = config.control.keys.n8n ?? demoN8nKey(config.dataDir).key;
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  // From n8n in a container, the API is the host's address: OPS_API_URL_FOR_N8N says which.
  const apiUrl = process.env.OPS_API_URL_FOR_N8N ?? `http://${host}:${config.http.port}`;
  log(`importing the examples into ${folder} (Settings → opsApiUrl = ${apiUrl})`);
  // The cockpit and dispatch flows use an operator key: OPS_N8N_OPERATOR_KEY, else the one ./ops start minted.
  const operatorKey = process.env.OPS_N8N_OPERATOR_KEY ?? readSecretFile(n8nOperatorKeyFile(config.dataDir));
  const operatorPassword = readSecretFile(n8nOperatorPasswordFile(config.dataDir));
  const imported = await importExamples(bin, folder, { apiUrl, key, operatorKey, operatorPassword });
  const port = Number(process.env.N8N_PORT ?? ((await portIsOpen(5678)) ? await freePort() : 5678));
  const child = spawnService(bin, ['start'], {
    env: n8nEnv(folder, { N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_HOST: '127.0.0.1' }),
    inherit: true,
  });
  await waitForPort(port, 'n8n', 120_000, child);
  await waitForN8nApi(`http://127.0.0.1:${port}`);
  const owner = await ensureN8nOwner(`http://127.0.0.1:${port}`, folder);
  console.log(
    [
      '',
      `n8n is running: http://127.0.0.1:${port}   (data in ${join(folder)})`,
      !owner
        ? '  Sign in with the owner account set up in this n8n.'
        : owner.created
          ? `  Sign in:  ${owner.email} / ${owner.password}   (new owner account)`
          : `  Sign in:  ${owner.email}, password unchanged (in ${join(folder, 'ops-owner.json')})`,
      `  Imported: ${Object.keys(imported.ids).join(', ')}`,
      '  Credential "Ops Platform (n8n key)" holds the platform n8n key; open a flow and click "Test workflow".',
      operatorKey
        ? '  Credential "Ops Platform (operator key)" holds the n8n operator key (the cockpit and dispatch flows).'
        : '  The cockpit and dispatch flows need an operator key: ./ops start --demo mints one, or ' +
          'OPS_N8N_OPERATOR_KEY=<key> ./ops n8n with a key from ./ops key create n8n-flows --role operator.',
      operatorPassword
        ? '  Credential "Ops Platform (caller sign-in)" holds the n8n operator account (the caller flow).'
        : '  The caller flow signs in as the operator n8n: ./ops start --demo makes the account.',
      (await portIsOpen(config.http.port, host))
        ? `  The API answers at ${apiUrl}.`
        : `  Start the platform too (./ops start): nothing answers at ${apiUrl} yet.`,
      'Press Ctrl-C to stop n8n.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await stopChild(child);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.once('exit', (code) => process.exit(code ?? 1));
}

if (import.meta.main)
  main().catch((err: Error) => {
    log(err instanceof ConfigError ? err.message : `n8n failed: ${err.message}`);
    process.exit(1);
  });
