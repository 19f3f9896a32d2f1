/** Each range in hours (the aggregates are hourly). */
export const RANGES = { '24h': 24, '7d': 168, '30d': 720 } as const;
export type Range = keyof typeof RANGES;

/** Percentage change from the previous period to this one, one decimal; 0 when there was nothing before. */
export function trend(current: number, previous: number): number {
  if (!previous) return current ? 100 : 0;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

/** `part / whole` as a percentage with one decimal, 0 for an empty whole. */
export const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);
