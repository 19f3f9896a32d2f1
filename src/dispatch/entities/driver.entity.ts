import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

export const DRIVER_STATUSES = ['active', 'suspended', 'inactive'] as const;
export type DriverStatus = (typeof DRIVER_STATUSES)[number];
export const ONBOARDING_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type OnboardingStatus = (typeof ONBOARDING_STATUSES)[number];
export const AVAILABILITIES = ['online', 'offline', 'break'] as const;

export interface DriverProfile {
  phone?: string;
  experience?: string;
  basePostcode?: string;
  rightToWorkType?: string;
}

export interface DriverChecks {
  rtwMethod?: string;
  rtwExpiresAt?: string;
  licenceCategories?: string[];
  points?: number;
  licenceExpiry?: string;
  dbsType?: string;
  dbsCheckedAt?: string;
  insurancePolicyNo?: string;
  insurer?: string;
  policyEnd?: string;
}

/** A driver: the user they are, their onboarding and employment state, where they are based. */
const DriverSchema = defineEntity({
  name: 'Driver',
  tableName: 'driver',
  properties: {
    ...textId(),
    userId: p.string().unique(),
    name: p.string(),
    email: p.string(),
    userCreatedAt: p.datetime().onCreate(() => new Date()),
    status: p.enum(DRIVER_STATUSES),
    onboardingStatus: p.enum(ONBOARDING_STATUSES),
    rating: p.double(),
    strikes: p.integer(),
    profile: p.json<DriverProfile>(),
    checks: p.json<DriverChecks>(),
    availability: p.enum(AVAILABILITIES),
    lastSeenAt: p.datetime().nullable(),
    area: p.string().nullable(),
    baseLat: p.double().nullable(),
    baseLng: p.double().nullable(),
    maxDailyJobs: p.integer(),
    approvedAt: p.datetime().nullable(),
    approvedBy: p.string().nullable(),
    rejectedAt: p.datetime().nullable(),
    rejectedBy: p.string().nullable(),
    rejectionReason: p.string().nullable(),
    notes: p.string().nullable(),
    conditions: p.json<string[]>().nullable(),
    ...timestamps(),
  },
});
export class Driver extends DriverSchema.class {}
DriverSchema.setClass(Driver);
export { DriverSchema };
