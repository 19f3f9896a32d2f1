import { defineEntity, p } from '@mikro-orm/core';
import { textId, createdAt } from '../../platform/db/base-properties.ts';

// What a driver holds: vehicles, documents, ratings and incidents (rows owned by one driver).

const DriverVehicleSchema = defineEntity({
  name: 'DriverVehicle',
  tableName: 'driver_vehicle',
  properties: {
    ...textId(),
    driverId: p.string(),
    make: p.string(),
    model: p.string(),
    reg: p.string(),
    weightClass: p.string(),
    motExpiry: p.datetime().nullable(),
  },
});
export class DriverVehicle extends DriverVehicleSchema.class {}
DriverVehicleSchema.setClass(DriverVehicle);

const DriverDocumentSchema = defineEntity({
  name: 'DriverDocument',
  tableName: 'driver_document',
  properties: {
    ...textId(),
    driverId: p.string(),
    category: p.string(),
    fileUrl: p.string(),
    status: p.string(),
    uploadedAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
    verifiedAt: p.datetime().nullable(),
  },
});
export class DriverDocument extends DriverDocumentSchema.class {}
DriverDocumentSchema.setClass(DriverDocument);

const DriverRatingSchema = defineEntity({
  name: 'DriverRating',
  tableName: 'driver_rating',
  properties: { ...textId(), driverId: p.string(), rating: p.integer(), ...createdAt() },
});
export class DriverRating extends DriverRatingSchema.class {}
DriverRatingSchema.setClass(DriverRating);

const DriverIncidentSchema = defineEntity({
  name: 'DriverIncident',
  tableName: 'driver_incident',
  properties: {
    ...textId(),
    driverId: p.string(),
    type: p.string(),
    severity: p.string(),
    description: p.string(),
    resolved: p.boolean(),
    ...createdAt(),
  },
});
export class DriverIncident extends DriverIncidentSchema.class {}
DriverIncidentSchema.setClass(DriverIncident);

export { DriverVehicleSchema, DriverDocumentSchema, DriverRatingSchema, DriverIncidentSchema };
