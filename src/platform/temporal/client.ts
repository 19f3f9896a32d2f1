import { Client, Connection } from '@temporalio/client';

export interface TemporalHandle {
  client: Client;
  connection: Connection;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTemporal(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
}): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address: opts.address, connectTimeout: '10s' });
  const client = new Client({ connection, namespace: opts.namespace });
  return { client, connection, taskQueue: opts.taskQueue, close: () => connection.close() };
}
