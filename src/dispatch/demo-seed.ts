import type { EntityManager } from '@mikro-orm/postgresql';

const AREAS = ['london', 'manchester', 'birmingham', 'leeds'];
const STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'];

/**
 * Demo data for `./ops start`: drivers in every application state, 240 orders
 * over the last 30 days in every status (assigned ones booked without overlap),
 * payments some partly refunded, and pricing versions. Idempotent: fixed ids.
 */
export async function seedDispatchDemo(em: EntityManager): Promise<void> {
  const sql = (q: string, p: unknown[] = []) => em.execute(q, p);
  const [done] = (await sql(`select 1 from dispatch_order where id = 'ord_demo_0'`)) as unknown[];
  if (done) return;
  await em.transactional(async (tx) => {
    const run = (q: string, p: unknown[] = []) => tx.execute(q, p);
    await run(
      `insert into dispatch_customer (id, name, email, created_at)
       select 'cus_demo_' || i, (array['Alice','Bob','Chloe','Dev','Ema','Femi','Grace','Hugo'])[1 + i % 8] || ' ' ||
              (array['Smith','Jones','Patel','Khan','Brown','Wilson'])[1 + i % 6], 'customer' || i || '@example.com',
              now() - interval '40 days'
         from generate_series(0, 29) i on conflict do nothing`,
    );
    // 0-5 approved and active, 6 approved but suspended, 7-9 pending, 10-11 rejected
    await run(
      `insert into driver (id, user_id, name, email, status, onboarding_status, rating, strikes, profile, checks,
              availability, last_seen_at, area, base_lat, base_lng, max_daily_jobs, approved_at, approved_by,
              rejected_at, rejected_by, rejection_reason, created_at)
       select 'drv_demo_' || i, 'usr_drv_demo_' || i,
              (array['Sam Carter','Priya Shah','Tom Evans','Nadia Ali','Joe Walsh','Lena Nowak','Omar Hassan',
                     'Ruth Green','Kai Moore','Ivy Clarke','Ben Hughes','Zoe Price'])[i + 1],
              'driver' || i || '@speedyvan.example',
              case when i <= 5 then 'active' when i = 6 then 'suspended' else 'inactive' end,
              case when i <= 6 then 'approved' when i <= 9 then 'pending' else 'rejected' end,
              round((3.6 + (i % 5) * 0.3)::numeric, 1), i % 3,
              jsonb_build_object('phone', '+4477009001' || lpad(i::text, 2, '0'), 'experience', (1 + i % 6) || ' years',
                'basePostcode', (array['E1 6AN','M1 1AE','B1 1BB','LS1 4AP'])[1 + i % 4], 'rightToWorkType',
                  'uk_passport'),
              jsonb_build_object('rtwMethod', 'share_code', 'licenceCategories', jsonb_build_array('B', 'C1'),
                'points', i % 4, 'dbsType', 'basic', 'insurer', 'Aviva', 'insurancePolicyNo', 'POL-' || (1000 + i)),
              (array['online','offline','break'])[1 + i % 3], now() - (i * interval '7 minutes'),
              (array['london','manchester','birmingham','leeds'])[1 + i % 4],
              (array[51.5072, 53.4808, 52.4862, 53.8008])[1 + i % 4] + (i % 3) * 0.01,
              (array[-0.1276, -2.2426, -1.8904, -1.5491])[1 + i % 4] - (i % 3) * 0.01,
              4,
              case when i <= 6 then now() - interval '60 days' end, case when i <= 6 then 'admin' end,
              case when i >= 10 then now() - interval '20 days' end, case when i >= 10 then 'admin' end,
              case when i >= 10 then 'DBS check not passed' end,
              now() - ((40 - i) * interval '1 day')
         from generate_series(0, 11) i on conflict do nothing`,
    );
    await run(
      `insert into driver_vehicle (id, driver_id, make, model, reg, weight_class, mot_expiry)
       select 'veh_demo_' || i, 'drv_demo_' || i, (array['Ford','Mercedes','Renault'])[1 + i % 3],
              (array['Transit','Sprinter','Master'])[1 + i % 3], 'SV' || (20 + i) || ' ABC',
              (array['3.5t','2.6t','7.5t'])[1 + i % 3], now() + interval '200 days'
         from generate_series(0, 11) i on conflict do nothing`,
    );
    await run(
      `insert into driver_document (id, driver_id, category, file_url, status, uploaded_at, expires_at, verified_at)
       select 'doc_demo_' || i || '_' || c, 'drv_demo_' || i, c, 'https://files.example/drivers/' || i || '/' || c || '.pdf',
              case when i <= 6 then 'verified' when i <= 9 then 'pending' else 'rejected' end,
              now() - interval '30 days', now() + interval '300 days',
              case when i <= 6 then now() - interval '25 days' end
         from generate_series(0, 11) i, unnest(array['licence','insurance','right_to_work']) c on conflict do nothing`,
    );
    await run(
      `insert into driver_rating (id, driver_id, rating, created_at)
       select 'rat_demo_' || i || '_' || k, 'drv_demo_' || i, 3 + (i + k) % 3, now() - (k * interval '2 days')
         from generate_series(0, 6) i, generate_series(1, 4) k on conflict do nothing`,
    );
    await run(
      `insert into driver_incident (id, driver_id, type, severity, description, resolved, created_at) values
        ('inc_demo_1', 'drv_demo_6', 'late_arrival', 'medium', 'Arrived 90 minutes late, customer complained', false,
          now() - interval '5 days'),
        ('inc_demo_2', 'drv_demo_2', 'damage', 'low', 'Scuffed a door frame; customer compensated', true,
          now() - interval '12 days') on conflict do nothing`,
    );
    // 240 orders over 30 days; status by index. Orders 18k..18k+17 share a day: (driver, slot) pairs never repeat.
    await run(
      `insert into dispatch_order (id, code, status, pickup_address, dropoff_address, pickup_lat, pickup_lng,
              dropoff_lat, dropoff_lng, area, preferred_date, time_slot, van_size, crew_size, amount_pence,
              payment_status, customer_id, customer_name, customer_email, notes, cancellation_reason,
              first_assigned_at, picked_up_at, delivered_at, created_at, updated_at)
       select 'ord_demo_' || i, 'SV' || lpad((10000 + i)::text, 6, '0'), s.status,
              (10 + i) || ' High Street, ' || initcap(a.area), (200 + i) || ' Station Road, ' || initcap(a.area),
              a.lat, a.lng, a.lat + 0.05, a.lng + 0.04, a.area,
              (now() - interval '30 days')::date + (i / 8), (array['morning','afternoon','evening'])[1 + i % 3],
              (array['small','medium','large'])[1 + i % 3], 1 + i % 3, 4500 + (i % 7) * 1500,
              case when s.status = 'pending' and i % 2 = 0 then 'pending' else 'paid' end,
              c.id, c.name, c.email, null,
              case when s.status = 'cancelled' then
                (array['customer_changed_plans','no_driver','duplicate_booking'])[1 + i % 3] end,
              case when s.status in ('assigned','in_progress','completed') then now() - ((30 - i / 8) *
                interval '1 day') + interval '2 hours' end,
              case when s.status in ('in_progress','completed') then now() - ((30 - i / 8) * interval '1 day')
                + interval '20 hours' end,
              case when s.status = 'completed' then now() - ((30 - i / 8) * interval '1 day') + interval '23 hours' end,
              now() - ((30 - i / 8) * interval '1 day'), now()
         from generate_series(0, 239) i
         cross join lateral (select (array[${STATUSES.map((x) => `'${x}'`).join(',')}])[1 + i % 5] as status) s
         cross join lateral (select (array[${AREAS.map((x) => `'${x}'`).join(',')}])[1 + i % 4] as area,
              (array[51.5072, 53.4808, 52.4862, 53.8008])[1 + i % 4] as lat,
              (array[-0.1276, -2.2426, -1.8904, -1.5491])[1 + i % 4] as lng) a
         join dispatch_customer c on c.id = 'cus_demo_' || (i % 30)
       on conflict do nothing`,
    );
    // Book drivers 0-5 for assigned / in-progress / completed orders: the (day, slot, driver) never repeats.
    await run(
      `with booked as (
         select o.id as order_id, 'drv_demo_' || ((o.n / 3) % 6) as driver_id, o.job_window, o.status, o.n
           from (select *, substring(id from 10)::int as n from dispatch_order where id like 'ord_demo_%') o
          where o.status in ('assigned','in_progress','completed'))
       insert into dispatch_assignment (id, order_id, driver_id, status, job_window, workflow_id, created_by,
         created_at)
       select 'asg_demo_' || n, order_id, driver_id, case when status = 'completed' then 'completed' else 'active' end,
              job_window, 'assign:demo:' || n, 'demo', now() - interval '1 day'
         from booked on conflict do nothing`,
    );
    await run(
      `update dispatch_order o set driver_id = a.driver_id, assignment_id = a.id, assignment_version = 1
         from dispatch_assignment a where a.order_id = o.id and a.id like 'asg_demo_%'`,
    );
    await run(
      `insert into assignment_event (id, assignment_id, order_id, type, description, created_at)
       select 'aev_demo_' || a.id, a.id, a.order_id, 'assigned', 'Assigned by demo seed', a.created_at
         from dispatch_assignment a where a.id like 'asg_demo_%' on conflict do nothing`,
    );
    await run(
      `insert into dispatch_payment (id, order_id, amount_pence, refunded_pence, status, stripe_payment_intent,
        created_at)
       select 'pay_demo_' || substring(o.id from 10), o.id, o.amount_pence,
              case when substring(o.id from 10)::int % 10 = 3 then 1000 else 0 end,
              case when substring(o.id from 10)::int % 10 = 3 then 'partially_refunded' else 'paid' end,
              'pi_demo_' || substring(o.id from 10), o.created_at
         from dispatch_order o where o.id like 'ord_demo_%' and o.payment_status = 'paid' on conflict do nothing`,
    );
    await run(
      `insert into dispatch_refund (id, payment_id, order_id, amount, reason, status, notes, stripe_refund_id,
              workflow_id, request_hash, requested_by, created_at, updated_at, completed_at)
       select 'ref_demo_' || p.id, p.id, p.order_id, 1000,
              (array['customer_request','service_issue','duplicate_charge','other'])[1 + (substring(p.id from
                10)::int / 10) % 4],
              'completed', 'Partial refund (demo)', 're_demo_' || p.id, 'refund:' || p.id || ':demo:seed', 'demo',
              'admin', p.created_at + interval '3 days', p.created_at + interval '3 days', p.created_at +
                interval '3 days'
         from dispatch_payment p where p.id like 'pay_demo_%' and p.refunded_pence > 0 on conflict do nothing`,
    );
    await run(
      `insert into order_message (id, order_id, content, sender, created_at)
       select 'msg_demo_' || i, 'ord_demo_' || i, 'Please call 15 minutes before arrival', 'customer',
              now() - interval '2 days' from generate_series(0, 239, 7) i on conflict do nothing`,
    );
    await run(
      `insert into tracking_ping (id, order_id, lat, lng, created_at)
       select 'png_demo_' || o.id || '_' || k, o.id, o.pickup_lat + k * 0.005, o.pickup_lng + k * 0.004,
              now() - ((10 - k) * interval '3 minutes')
         from dispatch_order o, generate_series(1, 5) k where o.id like 'ord_demo_%' and o.status = 'in_progress'
       on conflict do nothing`,
    );
    await run(
      `insert into pricing_config (id, zone_key, version, van_rates, slot_multipliers, day_multipliers, access_fees,
              surcharges, min_fare_floor, surge_policy, vat_rate, rounding, lock_ttl_seconds, active_from, created_by)
       values
       ('prc_demo_default_1', 'default', 1, '{"small":2500,"medium":3500,"large":4500}',
        '{"morning":1,"afternoon":1,"evening":1}',
        '{"monday":1,"tuesday":1,"wednesday":1,"thursday":1,"friday":1,"saturday":1.2,"sunday":1.2}',
        '{"floors":500,"lift":0,"parking":800}', '{"rushHour":700,"weekend":1000,"bankHoliday":1500}', 3000,
        '{"enabled":false,"multiplier":1,"threshold":0}', 0.2, 'nearest', 900, now() - interval '90 days', 'admin'),
       ('prc_demo_london_1', 'london', 1, '{"small":3000,"medium":4000,"large":5200}',
        '{"morning":1.2,"afternoon":1,"evening":1.1}',
        '{"monday":1,"tuesday":1,"wednesday":1,"thursday":1,"friday":1.1,"saturday":1.3,"sunday":1.3}',
        '{"floors":600,"lift":0,"parking":1500}', '{"rushHour":900,"weekend":1200,"bankHoliday":2000}', 3500,
        '{"enabled":true,"multiplier":1.5,"threshold":20}', 0.2, 'up', 900, now() - interval '60 days', 'admin'),
       ('prc_demo_london_2', 'london', 2, '{"small":3200,"medium":4200,"large":5500}',
        '{"morning":1.2,"afternoon":1,"evening":1.1}',
        '{"monday":1,"tuesday":1,"wednesday":1,"thursday":1,"friday":1.1,"saturday":1.3,"sunday":1.3}',
        '{"floors":600,"lift":0,"parking":1500}', '{"rushHour":900,"weekend":1200,"bankHoliday":2000}', 3800,
        '{"enabled":true,"multiplier":1.5,"threshold":20}', 0.2, 'up', 900, now() + interval '7 days', 'admin')
       on conflict do nothing`,
    );
  });
}
