import { Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { StartupError } from '../config.ts';

/** How every process of the platform reaches Temporal (read and checked once, in config.ts). */
export interface TemporalEndpoint {
  address: string;
  /** Absent: plaintext (the dev server). `true`: TLS with the system's CAs (Temporal Cloud with an API key). */
  tls?: TLSConfig | true;
  /** Temporal Cloud API key; sent as `Authorization: Bearer …` over TLS. */
  apiKey?: string;
}

const connectOptions = (endpoint: TemporalEndpoint) => ({
  address: endpoint.address,
  ...(endpoint.tls ? { tls: endpoint.tls } : {}),
  ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
});

/** The API's (and the bench's, and the tests') client connection. */
export function connectClient(endpoint: TemporalEndpoint, connectTimeout = '10s'): Promise<Connection> {
  return Connection.connect({ ...connectOptions(endpoint), connectTimeout }).catch(unreachable(endpoint));
}

/** The worker's native (Rust core) connection, with the same address, TLS and API key. */
export function connectNative(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  return NativeConnection.connect(connectOptions(endpoint)).catch(unreachable(endpoint));
}

/** A refused connection or handshake as one line saying where and how the process tried to connect. */
const unreachable = (endpoint: TemporalEndpoint) => (err: unknown) => {
  const how = endpoint.tls ? (endpoint.apiKey ? 'TLS, API key' : 'TLS') : 'plaintext';
  throw new StartupError(`cannot connect to Temporal at ${endpoint.address} (${how}): ${(err as Error).message}`);
};
