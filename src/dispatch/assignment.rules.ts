import type { TimeSlot } from './entities/order.entity.ts';

/** A driver as suggestion scoring sees them. */
export interface Candidate {
  id: string;
  rating: number;
  baseLat: number | null;
  baseLng: number | null;
  area: string | null;
  maxDailyJobs: number;
  availability: 'online' | 'offline' | 'break';
  /** Active jobs on the order's day. */
  activeJobs: number;
  /** Whether another active job of theirs overlaps the order's window. */
  overlapping: boolean;
  weightClasses: string[];
}

export interface JobToFill {
  pickupLat: number;
  pickupLng: number;
  area: string;
  vanSize: 'small' | 'medium' | 'large';
}

export interface Suggestion {
  id: string;
  score: number;
  activeJobs: number;
  suitability: 'available' | 'at_capacity';
  reasons: string[];
}

/** The van a weight class can stand in for: a larger van does a smaller job. */
const VAN_RANK = { small: 1, medium: 2, large: 3 } as const;
const WEIGHT_CLASS_RANK: Record<string, number> = { '3.5t': 3, '7.5t': 3, '2.6t': 2, '1.8t': 1 };

export const SLOT_HOURS: Record<TimeSlot, [number, number]> = {
  morning: [8, 12],
  afternoon: [12, 17],
  evening: [17, 21],
};

/** Great-circle distance in km. */
export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(bLat - aLat);
  const dLng = rad(bLng - aLng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(aLat)) * Math.cos(rad(bLat)) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * Scores one driver for one job, 0–100, and says why: distance from base (40),
 * rating (30), spare capacity that day (20), online now (10). A driver whose van
 * is too small, or who has an overlapping job, is not suggested at all.
 */
export function scoreCandidate(c: Candidate, job: JobToFill): Suggestion | null {
  const vanFits = c.weightClasses.some((w) => (WEIGHT_CLASS_RANK[w] ?? 0) >= VAN_RANK[job.vanSize]);
  if (!vanFits || c.overlapping) return null;
  const reasons: string[] = [];
  let score = 0;
  if (c.baseLat !== null && c.baseLng !== null) {
    const km = distanceKm(c.baseLat, c.baseLng, job.pickupLat, job.pickupLng);
    const points = Math.max(0, 40 - km);
    score += points;
    reasons.push(`${km.toFixed(1)} km from base (+${points.toFixed(0)})`);
  } else if (c.area === job.area) {
    score += 20;
    reasons.push(`based in ${job.area} (+20)`);
  }
  const ratingPoints = Math.max(0, Math.min(5, c.rating)) * 6;
  score += ratingPoints;
  reasons.push(`rating ${c.rating.toFixed(1)} (+${ratingPoints.toFixed(0)})`);
  const spare = Math.max(0, c.maxDailyJobs - c.activeJobs);
  const capacityPoints = c.maxDailyJobs ? (20 * spare) / c.maxDailyJobs : 0;
  score += capacityPoints;
  reasons.push(`${c.activeJobs} of ${c.maxDailyJobs} jobs that day (+${capacityPoints.toFixed(0)})`);
  if (c.availability === 'online') {
    score += 10;
    reasons.push('online now (+10)');
  }
  return {
    id: c.id,
    score: Math.round(score * 10) / 10,
    activeJobs: c.activeJobs,
    suitability: spare > 0 ? 'available' : 'at_capacity',
    reasons,
  };
}

/** Suggestions best first; ties by fewer active jobs, then id (stable). */
export function rankCandidates(candidates: Candidate[], job: JobToFill): Suggestion[] {
  return candidates
    .map((c) => scoreCandidate(c, job))
    .filter((s): s is Suggestion => s !== null)
    .sort((a, b) => b.score - a.score || a.activeJobs - b.activeJobs || a.id.localeCompare(b.id));
}

/** Auto-assign takes the best driver with spare capacity, or none. */
export const bestAvailable = (ranked: Suggestion[]) => ranked.find((s) => s.suitability === 'available') ?? null;
