import { randomUUID } from 'node:crypto';
import { upsertOperatorKey } from '../../src/platform/auth/api-keys.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import type { TestContext } from './context.ts';

const short = () => randomUUID().slice(0, 8);

/** An operator key of `role`, created for this test file. */
export async function operatorKeyWith(t: TestContext, role: Role): Promise<string> {
  const key = `ops_${role}_${randomUUID().replace(/-/g, '')}`;
  await upsertOperatorKey(t.orm.em.fork(), `${role}-${short()}`, key, role);
  return key;
}

export interface DriverSeed {
  status?: string;
  onboarding?: string;
  lat?: number;
  lng?: number;
  rating?: number;
  weightClass?: string;
}

/** One approved, active driver (by default) with a 3.5t van, based in central London. */
export async function seedDriver(t: TestContext, seed: DriverSeed = {}): Promise<string> {
  const id = `drv_${short()}`;
  await t.sql(
    `insert into driver (id, user_id, name, email, status, onboarding_status, rating, area, base_lat, base_lng)
     values (?, ?, ?, ?, ?, ?, ?, 'london', ?, ?)`,
    [
      id,
      `usr_${id}`,
      `Driver ${id}`,
      `${id}@drivers.example`,
      seed.status ?? 'active',
      seed.onboarding ?? 'approved',
      seed.rating ?? 4.5,
      seed.lat ?? 51.5,
      seed.lng ?? -0.12,
    ],
  );
  await t.sql(
    `insert into driver_vehicle (id, driver_id, make, model, reg, weight_class) values (?, ?, 'Ford', 'Transit', ?, ?)`,
    [`veh_${id}`, id, `REG ${id}`, seed.weightClass ?? '3.5t'],
  );
  return id;
}

export interface OrderSeed {
  date?: string;
  slot?: 'morning' | 'afternoon' | 'evening';
  status?: string;
  amountPence?: number;
  customerName?: string;
  area?: string;
  paid?: boolean;
}

/** One order (pending, paid, with its captured payment by default), a customer of its own. */
export async function seedOrder(t: TestContext, seed: OrderSeed = {}) {
  const n = short();
  const code = `T${n.toUpperCase()}`;
  const customerId = `cus_${n}`;
  const name = seed.customerName ?? `Customer ${n}`;
  const amount = seed.amountPence ?? 10_000;
  await t.sql(`insert into dispatch_customer (id, name, email) values (?, ?, ?)`, [customerId, name, `${n}@c.example`]);
  const orderId = `ord_${n}`;
  await t.sql(
    `insert into dispatch_order (id, code, status, pickup_address, dropoff_address, pickup_lat, pickup_lng,
       dropoff_lat, dropoff_lng, area, preferred_date, time_slot, van_size, amount_pence, payment_status,
       customer_id, customer_name, customer_email)
     values (?, ?, ?, ?, ?, 51.51, -0.1, 51.55, -0.05, ?, ?, ?, 'medium', ?, ?, ?, ?, ?)`,
    [
      orderId,
      code,
      seed.status ?? 'pending',
      `1 Pickup Lane ${n}`,
      `2 Dropoff Road ${n}`,
      seed.area ?? 'london',
      seed.date ?? '2030-06-01',
      seed.slot ?? 'morning',
      amount,
      seed.paid === false ? 'pending' : 'paid',
      customerId,
      name,
      `${n}@c.example`,
    ],
  );
  const paymentId = `pay_${n}`;
  if (seed.paid !== false)
    await t.sql(
      `insert into dispatch_payment (id, order_id, amount_pence, status, stripe_payment_intent)
       values (?, ?, ?, 'paid', ?)`,
      [paymentId, orderId, amount, `pi_${n}`],
    );
  return { code, orderId, paymentId, customerId, customerName: name };
}
