import { createServer } from 'node:net';

const tryListen = (port: number): Promise<number | null> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const { port: bound } = srv.address() as { port: number };
      srv.close(() => resolve(bound));
    });
  });

/** A port free on the loopback now (from the kernel's ephemeral range). */
export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === null) throw new Error('no free port on 127.0.0.1');
  return port;
}

/**
 * A free port below the ephemeral range, for servers that store their ports in 16-bit signed
 * columns (the Temporal server's cluster membership table: 32767 at most).
 */
export async function freeLowPort(from = 20_000, to = 32_000): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = await tryListen(from + Math.floor(Math.random() * (to - from)));
    if (port !== null) return port;
  }
  throw new Error(`no free port between ${from} and ${to} on 127.0.0.1`);
}
