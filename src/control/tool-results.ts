// Result shapes of the control plane tools (spec 004). Shared by activities,
// workflows (type-only or pure code) and the HTTP layer.

export type StepStatus = 'done' | 'warning' | 'in_progress' | 'skipped' | 'failed';

export interface Check {
  name: string;
  ok: boolean;
  /** false: a failed check only warns; true: it fails the step. */
  critical: boolean;
  details: string;
}

export interface Recommendation {
  priority: 'high' | 'medium' | 'low';
  item: string;
  message: string;
}

export interface EnsureResult {
  ok: boolean;
  businessId: string;
  existed: boolean;
  created: boolean;
  tenant: { businessId: string; name: string; createdAt: string };
  durationMs: number;
}

export interface BillingResult {
  ok: boolean;
  status: StepStatus;
  details: string;
  stripeConfigured: boolean;
  stripeMode: 'test' | 'live' | null;
  checks: Check[];
  durationMs: number;
}

export interface VoiceResult {
  ok: boolean;
  status: StepStatus;
  details: string;
  passed: number;
  total: number;
  checks: Check[];
  durationMs: number;
}

export interface ProvisioningResult {
  ok: boolean;
  businessId: string;
  exists: boolean;
  score: number;
  status: StepStatus;
  details: string;
  subscription: { active: boolean; status: 'active' | 'inactive' };
  calendar: { connected: boolean; provider: string | null };
  scheduling: { configured: boolean };
  phone: { assigned: boolean; number: string | null };
  onboarding: { complete: boolean; currentStep: string | null };
  recommendations: Recommendation[];
  durationMs: number;
}

/**
 * What a failed call to Stripe or Twilio says in a check's details: its HTTP status
 * or the kind of failure, never the SDK's message (which may carry internal hosts
 * or addresses, and is cached with the answer). The activity logs the whole error.
 */
export function failureKind(err: unknown): string {
  const e = err as { statusCode?: number; status?: number; type?: string; code?: string | number };
  const status = e?.statusCode ?? e?.status;
  if (typeof status === 'number') return `HTTP ${status}${e.type ? ` (${e.type})` : ''}`;
  if (typeof e?.type === 'string' && /^Stripe/.test(e.type)) return e.type;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return 'service unreachable';
  return 'unexpected error (see the worker log)';
}

/** Rolls a list of checks up into a step status, per the spec's status table. */
export function statusOfChecks(checks: Check[]): StepStatus {
  if (checks.some((c) => !c.ok && c.critical)) return 'failed';
  if (checks.some((c) => !c.ok)) return 'warning';
  return 'done';
}
