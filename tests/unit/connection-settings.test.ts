import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, temporalEndpoint } from '../../src/platform/config.ts';
import { pgConnection } from '../../src/platform/db/pg-tls.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
let dir: string;
let pem: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ops-tls-'));
  pem = join(dir, 'ca.pem');
  writeFileSync(pem, PEM);
  writeFileSync(join(dir, 'not-pem.txt'), 'hello');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configError = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('Temporal connection settings', () => {
  test('the dev server: plaintext, no API key', () => {
    expect(temporalEndpoint(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  test('mTLS to a cluster: every file is read at start and the server name is kept', () => {
    const endpoint = temporalEndpoint(
      loadConfig({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CERT: pem,
        TEMPORAL_TLS_KEY: pem,
        TEMPORAL_TLS_CA: pem,
        TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
      }),
    );
    expect(endpoint.address).toBe('temporal.internal:7233');
    expect(endpoint.tls).toMatchObject({ serverNameOverride: 'frontend.temporal.internal' });
    const tls = endpoint.tls as unknown as { clientCertPair: { crt: Buffer }; serverRootCACertificate: Buffer };
    expect(tls.clientCertPair.crt.toString()).toBe(PEM);
    expect(tls.serverRootCACertificate.toString()).toBe(PEM);
  });

  test('Temporal Cloud with an API key: TLS with the system CAs', () => {
    const endpoint = temporalEndpoint(
      loadConfig({ TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'key-123' }),
    );
    expect(endpoint).toEqual({ address: 'eu-west-1.aws.api.temporal.io:7233', tls: true, apiKey: 'key-123' });
  });

  test('a missing certificate file is one line naming the variable and the path', () => {
    const msg = configError({
      TEMPORAL_ADDRESS: 'h:7233',
      TEMPORAL_TLS_CERT: join(dir, 'missing.pem'),
      TEMPORAL_TLS_KEY: pem,
    });
    expect(msg).toBe(`TEMPORAL_TLS_CERT: cannot read ${join(dir, 'missing.pem')} (ENOENT)`);
  });

  test('a file that is not PEM, a certificate without its key, TLS without an address: each refused by name', () => {
    expect(configError({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CA: join(dir, 'not-pem.txt') })).toContain(
      'TEMPORAL_TLS_CA: ',
    );
    expect(configError({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CERT: pem })).toContain(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY',
    );
    expect(configError({ TEMPORAL_TLS_CA: pem })).toContain('TEMPORAL_ADDRESS: required with TLS');
  });
});

describe('PostgreSQL TLS settings (libpq meaning of sslmode)', () => {
  const base = 'postgres://ops:secret@db.internal:5432/ops';

  test('disable, or no sslmode to this machine: plaintext, the URL unchanged', () => {
    const local = 'postgres://ops:secret@127.0.0.1:54329/ops';
    expect(pgConnection(local)).toEqual({ connectionString: local, ssl: false });
    expect(pgConnection('postgres://ops@localhost/ops').ssl).toBe(false);
    expect(pgConnection(`${base}?sslmode=disable`).ssl).toBe(false);
  });

  test('no sslmode to another host is refused (TLS when remote), naming both ways out', () => {
    expect(configError({ DATABASE_URL: base })).toContain(
      'DATABASE_URL sslmode: db.internal is not this machine; add sslmode=verify-full',
    );
    expect(configError({ DATABASE_URL: base })).toContain('sslmode=disable to accept plaintext');
  });

  test('verify-ca without a CA is refused: the system CAs without a name check would accept anyone', () => {
    expect(configError({ DATABASE_URL: `${base}?sslmode=verify-ca` })).toContain('needs sslrootcert (or DATABASE_CA)');
  });

  test('require without a CA encrypts without checking; with a CA it checks the chain', () => {
    expect(pgConnection(`${base}?sslmode=require`).ssl).toEqual({ rejectUnauthorized: false });
    const withCa = pgConnection(`${base}?sslmode=require&sslrootcert=${pem}`).ssl as Record<string, unknown>;
    expect(withCa.rejectUnauthorized).toBe(true);
    expect(String(withCa.ca)).toBe(PEM);
    expect(typeof withCa.checkServerIdentity).toBe('function');
  });

  test('verify-full checks the chain and the host name; the TLS parameters leave the URL', () => {
    const c = pgConnection(`${base}?sslmode=verify-full&sslrootcert=${pem}&application_name=ops`);
    expect(c.connectionString).toBe(`${base}?application_name=ops`);
    expect(c.ssl).toMatchObject({ rejectUnauthorized: true });
    expect((c.ssl as Record<string, unknown>).checkServerIdentity).toBeUndefined();
  });

  test('DATABASE_CA is the same as sslrootcert', () => {
    const config = loadConfig({ DATABASE_URL: `${base}?sslmode=verify-full`, DATABASE_CA: pem });
    expect(String((pgConnection(config.db.url!).ssl as { ca: Buffer }).ca)).toBe(PEM);
  });

  test('prefer (a silent plaintext fallback), an unreadable CA, a certificate without a key: refused at start', () => {
    expect(configError({ DATABASE_URL: `${base}?sslmode=prefer` })).toContain('DATABASE_URL sslmode: expected');
    expect(configError({ DATABASE_URL: `${base}?sslmode=verify-ca`, DATABASE_CA: join(dir, 'nope.pem') })).toBe(
      `DATABASE_URL sslrootcert: cannot read ${join(dir, 'nope.pem')} (ENOENT)`,
    );
    expect(configError({ DATABASE_URL: `${base}?sslmode=require&sslcert=${pem}` })).toContain('sslcert and sslkey');
  });
});
