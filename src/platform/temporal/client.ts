import { Client, type Connection } from '@temporalio/client';
import { connectClient, type TemporalEndpoint } from './connection.ts';

export interface TemporalHandle {
  client: Client;
  connection: Connection;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTemporal(opts: {
  endpoint: TemporalEndpoint;
  namespace: string;
  taskQueue: string;
}): Promise<TemporalHandle> {
  const connection = await connectClient(opts.endpoint);
  const client = new Client({ connection, namespace: opts.namespace });
  return { client, connection, taskQueue: opts.taskQueue, close: () => connection.close() };
}
