import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { RANGES, rate, trend, type Range } from './analytics.rules.ts';

interface AreaTotals {
  area: string;
  bookings: number;
  revenue: number;
  pending: number;
  assigned: number;
  in_progress: number;
  completed: number;
  cancelled: number;
  assigned_count: number;
  response_seconds: number;
  picked_up: number;
  picked_up_on_time: number;
  delivered: number;
  delivered_on_time: number;
}

const SUMS = `coalesce(sum(bookings), 0)::int as bookings, coalesce(sum(revenue_pence), 0)::bigint as revenue,
  coalesce(sum(pending), 0)::int as pending, coalesce(sum(assigned), 0)::int as assigned,
  coalesce(sum(in_progress), 0)::int as in_progress, coalesce(sum(completed), 0)::int as completed,
  coalesce(sum(cancelled), 0)::int as cancelled, coalesce(sum(assigned_count), 0)::int as assigned_count,
  coalesce(sum(response_seconds), 0)::bigint as response_seconds, coalesce(sum(picked_up), 0)::int as picked_up,
  coalesce(sum(picked_up_on_time), 0)::int as picked_up_on_time, coalesce(sum(delivered), 0)::int as delivered,
  coalesce(sum(delivered_on_time), 0)::int as delivered_on_time`;

/**
 * The analytics summary from the trigger-maintained hourly aggregates (at most
 * 1,440 rows per area for a 30-day range and its trend), the driver table and
 * two index-bounded counts: never a scan of the orders.
 */
export function createAnalyticsService(deps: { orm: MikroORM }) {
  const em = () => deps.orm.em as EntityManager;
  const sql = <T>(q: string, p: unknown[] = []) => em().execute(q, p) as Promise<T[]>;

  return {
    async summary(range: Range) {
      const hours = RANGES[range];
      const since = `now() - (? * interval '1 hour')`;
      const [areas, [previous], revenueWindows, cancellations, daily, [drivers], [realtime], areaRatings] =
        await Promise.all([
          sql<AreaTotals>(`select area, ${SUMS} from dispatch_hourly_stats where hour >= ${since} group by area`, [
            hours,
          ]),
          sql<{ bookings: number; revenue: number }>(
            `select coalesce(sum(bookings), 0)::int as bookings, coalesce(sum(revenue_pence), 0)::bigint as revenue
               from dispatch_hourly_stats where hour >= now() - (? * interval '1 hour') and hour < ${since}`,
            [hours * 2, hours],
          ),
          sql<{ h: number; revenue: number }>(
            `select h, coalesce((select sum(revenue_pence) from dispatch_hourly_stats where hour >= now() - (h *
               interval '1 hour')), 0)::bigint as revenue from unnest(array[24, 168, 720]) h`,
          ),
          sql<{ reason: string; n: number }>(
            `select reason, sum(n)::int as n from dispatch_cancellation_stats where hour >= ${since}
              group by reason having sum(n) > 0 order by 2 desc`,
            [hours],
          ),
          sql<{ date: string; bookings: number; revenue: number }>(
            `select (hour at time zone 'UTC')::date::text as date, sum(bookings)::int as bookings,
                    sum(revenue_pence)::bigint as revenue
               from dispatch_hourly_stats where hour >= ${since} group by 1 order by 1`,
            [hours],
          ),
          sql<{ total: number; active: number; online: number; rating: number }>(
            `select count(*)::int as total, count(*) filter (where status = 'active')::int as active,
                    count(*) filter (where status = 'active' and availability = 'online')::int as online,
                    coalesce(avg(rating) filter (where onboarding_status = 'approved'), 0)::float as rating
               from driver`,
          ),
          sql<{ in_progress: number; pending: number; late_pickups: number; late_deliveries: number }>(
            `select
               (select coalesce(sum(in_progress), 0) from dispatch_hourly_stats)::int as in_progress,
               (select coalesce(sum(pending), 0) from dispatch_hourly_stats)::int as pending,
               (select count(*) from dispatch_order where status = 'assigned' and lower(job_window) < now() at time
                 zone 'UTC')::int as late_pickups,
               (select count(*) from dispatch_order where status = 'in_progress' and upper(job_window) < now() at
                 time zone 'UTC')::int as late_deliveries`,
          ),
          sql<{ area: string; rating: number }>(
            `select coalesce(d.area, 'unknown') as area, avg(d.rating)::float as rating from driver d
              where d.onboarding_status = 'approved' group by 1`,
          ),
        ]);
      const sum = (k: keyof AreaTotals) => areas.reduce((n, a) => n + Number(a[k]), 0);
      const bookings = sum('bookings');
      const revenue = sum('revenue');
      const byWindow = Object.fromEntries(revenueWindows.map((w) => [w.h, Number(w.revenue)]));
      const cancelled = sum('cancelled');
      const ratingBy = new Map(areaRatings.map((r) => [r.area, r.rating]));
      const round1 = (n: number) => Math.round(n * 10) / 10;
      return {
        revenue: {
          total30d: byWindow[720] ?? 0,
          total7d: byWindow[168] ?? 0,
          total24h: byWindow[24] ?? 0,
          average: bookings ? Math.round(revenue / bookings) : 0,
          trend: trend(revenue, Number(previous.revenue)),
        },
        bookings: {
          total: bookings,
          byStatus: {
            pending: sum('pending'),
            assigned: sum('assigned'),
            in_progress: sum('in_progress'),
            completed: sum('completed'),
            cancelled,
          },
          trend: trend(bookings, previous.bookings),
        },
        drivers: {
          total: drivers.total,
          active: drivers.active,
          online: drivers.online,
          averageRating: round1(drivers.rating),
          onTimeRate: rate(sum('delivered_on_time'), sum('delivered')),
        },
        performance: {
          // seconds from booking to first assignment, on average
          averageResponseTime: sum('assigned_count') ? Math.round(sum('response_seconds') / sum('assigned_count')) : 0,
          onTimePickupRate: rate(sum('picked_up_on_time'), sum('picked_up')),
          onTimeDeliveryRate: rate(sum('delivered_on_time'), sum('delivered')),
          cancellationRate: rate(cancelled, bookings),
        },
        realtime: {
          jobsInProgress: realtime.in_progress,
          latePickups: realtime.late_pickups,
          lateDeliveries: realtime.late_deliveries,
          pendingAssignments: realtime.pending,
        },
        serviceAreas: areas
          .map((a) => ({
            regionKey: a.area,
            bookings: a.bookings,
            revenue: Number(a.revenue),
            averageRating: round1(ratingBy.get(a.area) ?? 0),
          }))
          .sort((a, b) => b.bookings - a.bookings),
        cancellationReasons: cancellations.map((c) => ({
          reason: c.reason,
          count: c.n,
          percentage: rate(c.n, cancelled),
        })),
        recentBookings: daily.map((d) => ({ date: d.date, bookings: d.bookings, revenue: Number(d.revenue) })),
      };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
