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

/**
 * Runs each of `fns` once per turn, `n` turns (after `warmup` unmeasured ones), and
 * times each apart: an operation and its floor meet the same background (the
 * machine's own drift, the engine's housekeeping), so their ratio is not skewed
 * by when each happened to run.
 */
export async function measureInTurns(
  n: number,
  warmup: number,
  fns: ((i: number) => Promise<void>)[],
): Promise<Stats[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn(i);
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn(warmup + i);
      samples[k].push(performance.now() - t0);
    }
  }
  return samples.map(stats);
}

export const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
