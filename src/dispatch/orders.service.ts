import type { EntityManager } from '@mikro-orm/postgresql';
import { rowsPage } from '../platform/db/keyset.ts';
import { notFound } from '../platform/http/errors.ts';
import { iso } from '../platform/http/wire.ts';
import { rankCandidates, type Candidate } from './assignment.rules.ts';
import { ORDER_SELECT, orderWhere, type OrderFilter } from './orders.queries.ts';
import { presentOrder, type OrderRow } from './orders.presenter.ts';

/** The order an assignment is suggested for, with what scoring needs. */
interface JobRow {
  id: string;
  pickup_lat: number;
  pickup_lng: number;
  dropoff_lat: number;
  dropoff_lng: number;
  preferred_date: string;
  time_slot: string;
  van_size: 'small' | 'medium' | 'large';
  crew_size: number;
  area: string;
}

/** Reads of orders: the list, one order with everything an operator needs, assignment suggestions. */
export function createOrderReads(deps: {
  em: () => EntityManager;
  /** The trigrams most orders' search text shares (commonTrigrams of trigram-search.ts); none: `q` goes whole. */
  commonTrigrams?: () => Promise<ReadonlySet<string>>;
}) {
  const { em } = deps;
  const sql = <T>(query: string, params: unknown[] = []) => em().execute(query, params) as Promise<T[]>;

  async function orderIdOf(code: string): Promise<string> {
    const [row] = await sql<{ id: string }>('select id from dispatch_order where code = ?', [code]);
    if (!row) throw notFound('order');
    return row.id;
  }

  return {
    orderIdOf,

    /** A keyset page, newest first: the cursor names the last row, so inserts never shift a page. */
    async list(q: OrderFilter & { take: number }) {
      const where = orderWhere(q, q.q && deps.commonTrigrams ? await deps.commonTrigrams() : undefined);
      const rows = await sql<OrderRow>(`${ORDER_SELECT} ${where.sql} order by o.created_at desc, o.id desc limit ?`, [
        ...where.params,
        q.take + 1,
      ]);
      const { items, next } = rowsPage(rows, q.take, (r) => r.created_at);
      return {
        items: items.map(presentOrder),
        ...next,
      };
    },

    /** The order as the list shows it (one statement): what an assignment answers. */
    async summary(code: string) {
      const [row] = await sql<OrderRow>(`${ORDER_SELECT} where o.code = ?`, [code]);
      if (!row) throw notFound('order');
      return presentOrder(row);
    },

    async detail(code: string) {
      const [row] = await sql<OrderRow>(`${ORDER_SELECT} where o.code = ?`, [code]);
      if (!row) throw notFound('order');
      const [events, messages, pings, payments] = await Promise.all([
        row.assignment_id
          ? sql<{ id: string; type: string; description: string; created_at: Date }>(
              `select id, type, description, created_at from assignment_event where assignment_id = ?
                order by created_at, id`,
              [row.assignment_id],
            )
          : Promise.resolve([]),
        sql<{ id: string; content: string; sender: string; created_at: Date }>(
          `select id, content, sender, created_at from order_message where order_id = ?
            order by created_at, id limit 500`,
          [row.id],
        ),
        sql<{ id: string; lat: number; lng: number; created_at: Date }>(
          'select id, lat, lng, created_at from tracking_ping where order_id = ? order by created_at desc limit 200',
          [row.id],
        ),
        sql<{ id: string; amount_pence: number; refunded_pence: number; pending_refund_pence: number; status: string }>(
          `select id, amount_pence, refunded_pence, pending_refund_pence, status from dispatch_payment
            where order_id = ? order by created_at, id`,
          [row.id],
        ),
      ]);
      const order = presentOrder(row);
      return {
        ...order,
        notes: row.notes ?? null,
        ...(order.assignment
          ? {
              assignment: {
                ...order.assignment,
                events: events.map((e) => ({ ...pick(e, 'id', 'type', 'description'), createdAt: iso(e.created_at) })),
              },
            }
          : {}),
        messages: messages.map((m) => ({ ...pick(m, 'id', 'content', 'sender'), createdAt: iso(m.created_at) })),
        trackingPings: pings.map((p) => ({ ...pick(p, 'id', 'lat', 'lng'), createdAt: iso(p.created_at) })),
        payments: payments.map((p) => ({
          id: p.id,
          amountPence: p.amount_pence,
          refundedPence: p.refunded_pence,
          pendingRefundPence: p.pending_refund_pence,
          status: p.status,
        })),
      };
    },

    /**
     * Approved, active drivers whose van fits, scored for this job (the reasons
     * say why); one with an overlapping active job is left out.
     */
    async suggestions(code: string) {
      const [job] = await sql<JobRow & { id: string }>(
        `select id, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, preferred_date::text as preferred_date,
                time_slot, van_size, crew_size, area from dispatch_order where code = ?`,
        [code],
      );
      if (!job) throw notFound('order');
      const drivers = await sql<{
        id: string;
        user_id: string;
        name: string;
        email: string;
        rating: number;
        base_lat: number | null;
        base_lng: number | null;
        area: string | null;
        max_daily_jobs: number;
        availability: Candidate['availability'];
        active_jobs: number;
        overlapping: boolean;
        vehicles: { id: string; make: string; model: string; reg: string; weightClass: string }[];
      }>(
        `select d.id, d.user_id, d.name, d.email, d.rating, d.base_lat, d.base_lng, d.area, d.max_daily_jobs,
                d.availability,
                (select count(*)::int from dispatch_assignment a where a.driver_id = d.id and a.status = 'active'
                   and a.order_id <> o.id and lower(a.job_window)::date = o.preferred_date) as active_jobs,
                exists (select 1 from dispatch_assignment a where a.driver_id = d.id and a.status = 'active'
                   and a.order_id <> o.id and a.job_window && o.job_window) as overlapping,
                coalesce((select json_agg(json_build_object('id', v.id, 'make', v.make, 'model', v.model,
                   'reg', v.reg, 'weightClass', v.weight_class) order by v.id)
                   from driver_vehicle v where v.driver_id = d.id), '[]') as vehicles
           from driver d, dispatch_order o
          where o.id = ? and d.status = 'active' and d.onboarding_status = 'approved'`,
        [job.id],
      );
      const byId = new Map(drivers.map((d) => [d.id, d]));
      const ranked = rankCandidates(
        drivers.map((d) => ({
          id: d.id,
          rating: d.rating,
          baseLat: d.base_lat,
          baseLng: d.base_lng,
          area: d.area,
          maxDailyJobs: d.max_daily_jobs,
          availability: d.availability,
          activeJobs: d.active_jobs,
          overlapping: d.overlapping,
          weightClasses: d.vehicles.map((v) => v.weightClass),
        })),
        { pickupLat: job.pickup_lat, pickupLng: job.pickup_lng, area: job.area, vanSize: job.van_size },
      );
      return {
        booking: {
          id: job.id,
          pickupLat: job.pickup_lat,
          pickupLng: job.pickup_lng,
          dropoffLat: job.dropoff_lat,
          dropoffLng: job.dropoff_lng,
          preferredDate: job.preferred_date,
          timeSlot: job.time_slot,
          vanSize: job.van_size,
          crewSize: job.crew_size,
        },
        suggestions: ranked.map((s) => {
          const d = byId.get(s.id)!;
          return {
            ...s,
            user: { id: d.user_id, name: d.name, email: d.email },
            rating: d.rating,
            vehicles: d.vehicles,
          };
        }),
      };
    },
  };
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

export type OrderReads = ReturnType<typeof createOrderReads>;
