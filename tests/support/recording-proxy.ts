import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

export interface RecordedCall {
  method: string;
  path: string;
  at: number;
  /** The Idempotency-Key the caller sent, if any (Stripe's own header). */
  idempotencyKey?: string;
}

/**
 * Sends `req` on to `upstream` and its answer back; `intercept` may take the answer instead (true).
 * An upstream that cannot be reached is a 502.
 */
function forward(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  intercept: (answer: IncomingMessage) => boolean = () => false,
) {
  const out = httpRequest(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (up) => {
      if (intercept(up)) return;
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on('error', (e) => {
    res.writeHead(502);
    res.end(String(e));
  });
  req.pipe(out);
}

/**
 * A pass-through HTTP proxy in front of a mock (stripe-mock, the Twilio mock)
 * that remembers every call, so tests can assert what did — and did not —
 * reach Stripe or Twilio. GET /__calls lists them.
 */
export async function startRecordingProxy(target: string, port: number): Promise<{ url: string; server: Server }> {
  const calls: RecordedCall[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (req.url === '/__calls') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(calls));
      return;
    }
    const key = req.headers['idempotency-key'];
    calls.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      at: Date.now(),
      ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
    });
    forward(upstream, req, res);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Calls recorded by a proxy since `since` (ms epoch). */
export async function callsSince(proxyUrl: string, since: number): Promise<RecordedCall[]> {
  const res = await fetch(`${proxyUrl}/__calls`);
  return ((await res.json()) as RecordedCall[]).filter((c) => c.at >= since);
}

/**
 * A proxy that loses the first answer to a POST of `path`: the request reaches the platform and is
 * done, but the caller gets a 502 (Retry-After: 1) instead, as when a load balancer drops a connection
 * after the upstream answered. Every other request passes through.
 */
export async function startAnswerLosingProxy(target: string, path: string): Promise<{ url: string; close(): void }> {
  const upstream = new URL(target);
  let lost = false;
  const server = createServer((req, res) => {
    const loseThis = !lost && req.method === 'POST' && req.url === path;
    if (loseThis) lost = true;
    forward(upstream, req, res, (up) => {
      if (!loseThis) return false;
      up.resume();
      up.once('end', () => {
        res.writeHead(502, { 'content-type': 'text/plain', 'retry-after': '1' });
        res.end('upstream connection lost');
      });
      return true;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}
