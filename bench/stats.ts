export interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function stats(samplesMs: number[]): Stats {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Runs `fn` sequentially: `warmup` unmeasured calls, then `n` timed calls. */
export async function measure(n: number, warmup: number, fn: (i: number) => Promise<void>): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(warmup + i);
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

export const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
