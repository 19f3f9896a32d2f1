import {
  BookingSchema,
  ClientSchema,
  ClientUserSchema,
  CustomerSchema,
  LeadSchema,
  OnboardingStateSchema,
} from './entities/index.ts';

/**
 * The shared tenant: every module that speaks of a client, a business or a tenant
 * means this row. Modules depend on it; it depends only on the platform.
 */
export const tenantEntities = [
  ClientSchema,
  OnboardingStateSchema,
  CustomerSchema,
  BookingSchema,
  LeadSchema,
  ClientUserSchema,
];
