import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from '../platform/audit/audit.ts';
import { iso } from '../platform/http/wire.ts';
import { nextPricing, type PricingFields } from './pricing.rules.ts';

interface PricingRow {
  id: string;
  zone_key: string;
  version: number;
  van_rates: PricingFields['vanRates'];
  slot_multipliers: PricingFields['slotMultipliers'];
  day_multipliers: PricingFields['dayMultipliers'];
  access_fees: PricingFields['accessFees'];
  surcharges: PricingFields['surcharges'];
  min_fare_floor: number;
  surge_policy: PricingFields['surgePolicy'];
  vat_rate: number;
  rounding: PricingFields['rounding'];
  lock_ttl_seconds: number;
  active_from: Date;
  created_by: string;
  created_at: Date;
}

const fieldsOf = (r: PricingRow): PricingFields => ({
  vanRates: r.van_rates,
  slotMultipliers: r.slot_multipliers,
  dayMultipliers: r.day_multipliers,
  accessFees: r.access_fees,
  surcharges: r.surcharges,
  minFareFloor: r.min_fare_floor,
  surgePolicy: r.surge_policy,
  vatRate: r.vat_rate,
  rounding: r.rounding,
  lockTtlSeconds: r.lock_ttl_seconds,
});

const present = (r: PricingRow) => ({
  id: r.id,
  zoneKey: r.zone_key,
  version: r.version,
  ...fieldsOf(r),
  activeFrom: iso(r.active_from),
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

/** Pricing per zone, versioned: every PUT adds a version, none is ever changed or removed. */
export function createPricingService(deps: { orm: MikroORM }) {
  const em = () => deps.orm.em as EntityManager;

  return {
    async put(body: Partial<PricingFields> & { zoneKey: string; activeFrom: Date }, who: AuditContext) {
      const { zoneKey, activeFrom, ...change } = body;
      return em().transactional(async (tx) => {
        // One writer per zone at a time, so versions are 1, 2, 3… with no gap or clash.
        await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`pricing:${zoneKey}`]);
        const [latest] = (await tx.execute(
          'select * from pricing_config where zone_key = ? order by version desc limit 1',
          [zoneKey],
        )) as PricingRow[];
        const fields = nextPricing(latest ? fieldsOf(latest) : null, change);
        const [row] = (await tx.execute(
          `insert into pricing_config (id, zone_key, version, van_rates, slot_multipliers, day_multipliers, access_fees,
             surcharges, min_fare_floor, surge_policy, vat_rate, rounding, lock_ttl_seconds, active_from, created_by)
           values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?) returning *`,
          [
            `prc_${randomUUID()}`,
            zoneKey,
            (latest?.version ?? 0) + 1,
            JSON.stringify(fields.vanRates),
            JSON.stringify(fields.slotMultipliers),
            JSON.stringify(fields.dayMultipliers),
            JSON.stringify(fields.accessFees),
            JSON.stringify(fields.surcharges),
            fields.minFareFloor,
            JSON.stringify(fields.surgePolicy),
            fields.vatRate,
            fields.rounding,
            fields.lockTtlSeconds,
            activeFrom,
            who.actorId,
          ],
        )) as PricingRow[];
        recordAudit(tx, who, {
          action: 'pricing.version.create',
          resourceType: 'pricing_config',
          resourceId: `${zoneKey}:v${row.version}`,
          outcome: 'success',
          before: latest ? present(latest) : null,
          after: present(row),
        });
        return present(row);
      });
    },

    /** Versions of a zone, newest first; with `at`, only the version in force at that time. */
    async list(q: { zoneKey: string; limit: number; at?: Date }) {
      const rows = (await em().execute(
        q.at
          ? `select * from pricing_config where zone_key = ? and active_from <= ?
              order by active_from desc, version desc limit 1`
          : 'select * from pricing_config where zone_key = ? order by version desc limit ?',
        q.at ? [q.zoneKey, q.at] : [q.zoneKey, q.limit],
      )) as PricingRow[];
      return rows.map(present);
    },
  };
}

export type PricingService = ReturnType<typeof createPricingService>;
