/** Spec 002 §7: per admin and minute, counted in PostgreSQL so every API process shares the budget. */
export const DISPATCH_RATE_LIMITS = { standard: 100, analytics: 20, bulk: 10 } as const;
export type DispatchBudget = keyof typeof DISPATCH_RATE_LIMITS;
