import { Migration } from '@mikro-orm/migrations';

/**
 * Dispatch (spec 002): customers, drivers and what they hold, orders and their
 * assignments, payments and refunds, versioned pricing, outgoing webhooks, and
 * the maintained aggregates the analytics summary reads instead of scanning orders.
 */
export class Migration20261201040000_dispatch extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- trigram indexes for the search fields, gist for the driver's non-overlapping jobs
      create extension if not exists pg_trgm;
      create extension if not exists btree_gist;

      -- audit rows say with which role a change was made (spec 002: "User ID and role")
      alter table audit_event add column actor_role text null;

      create table dispatch_customer (
        id text primary key,
        name text not null,
        email text not null,
        created_at timestamptz not null default now()
      );

      create table driver (
        id text primary key,
        user_id text not null unique,
        name text not null,
        email text not null,
        user_created_at timestamptz not null default now(),
        status text not null default 'inactive' check (status in ('active', 'suspended', 'inactive')),
        onboarding_status text not null default 'pending'
          check (onboarding_status in ('pending', 'approved', 'rejected')),
        rating double precision not null default 0,
        strikes integer not null default 0,
        profile jsonb not null default '{}',
        checks jsonb not null default '{}',
        availability text not null default 'offline' check (availability in ('online', 'offline', 'break')),
        last_seen_at timestamptz null,
        area text null,
        base_lat double precision null,
        base_lng double precision null,
        max_daily_jobs integer not null default 3 check (max_daily_jobs > 0),
        approved_at timestamptz null,
        approved_by text null,
        rejected_at timestamptz null,
        rejected_by text null,
        rejection_reason text null,
        notes text null,
        conditions jsonb null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index driver_onboarding_page_idx on driver (onboarding_status, created_at desc, id desc);
      create index driver_page_idx on driver (created_at desc, id desc);
      create index driver_search_idx on driver using gin ((lower(name || ' ' || email)) gin_trgm_ops);

      create table driver_vehicle (
        id text primary key,
        driver_id text not null references driver (id) on delete cascade,
        make text not null,
        model text not null,
        reg text not null,
        weight_class text not null,
        mot_expiry timestamptz null
      );
      create index driver_vehicle_driver_idx on driver_vehicle (driver_id);

      create table driver_document (
        id text primary key,
        driver_id text not null references driver (id) on delete cascade,
        category text not null,
        file_url text not null,
        status text not null,
        uploaded_at timestamptz not null default now(),
        expires_at timestamptz null,
        verified_at timestamptz null
      );
      create index driver_document_driver_idx on driver_document (driver_id);

      create table driver_rating (
        id text primary key,
        driver_id text not null references driver (id) on delete cascade,
        rating integer not null check (rating between 1 and 5),
        created_at timestamptz not null default now()
      );
      create index driver_rating_driver_idx on driver_rating (driver_id, created_at desc);

      create table driver_incident (
        id text primary key,
        driver_id text not null references driver (id) on delete cascade,
        type text not null,
        severity text not null,
        description text not null,
        resolved boolean not null default false,
        created_at timestamptz not null default now()
      );
      create index driver_incident_driver_idx on driver_incident (driver_id, created_at desc);

      create table dispatch_order (
        id text primary key,
        code text not null unique,
        status text not null default 'pending'
          check (status in ('pending', 'assigned', 'in_progress', 'completed', 'cancelled')),
        pickup_address text not null,
        dropoff_address text not null,
        pickup_lat double precision not null,
        pickup_lng double precision not null,
        dropoff_lat double precision not null,
        dropoff_lng double precision not null,
        area text not null,
        preferred_date date not null,
        time_slot text not null check (time_slot in ('morning', 'afternoon', 'evening')),
        van_size text not null check (van_size in ('small', 'medium', 'large')),
        crew_size integer not null default 1 check (crew_size between 1 and 6),
        amount_pence integer not null check (amount_pence >= 0),
        payment_status text not null default 'pending'
          check (payment_status in ('pending', 'paid', 'failed', 'refunded')),
        customer_id text not null references dispatch_customer (id),
        -- copied from the customer so one trigram index covers every searched field
        customer_name text not null,
        customer_email text not null,
        driver_id text null references driver (id),
        assignment_id text null,
        -- bumps at every (re)assignment: the assign workflow ID names the version it acts on
        assignment_version integer not null default 0,
        notes text null,
        cancellation_reason text null,
        first_assigned_at timestamptz null,
        picked_up_at timestamptz null,
        delivered_at timestamptz null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        -- the slot as a time range: what a driver's jobs must not overlap in
        job_window tsrange generated always as (
          tsrange(
            preferred_date + case time_slot when 'morning' then time '08:00' when 'afternoon' then time '12:00'
              else time '17:00' end,
            preferred_date + case time_slot when 'morning' then time '12:00' when 'afternoon' then time '17:00'
              else time '21:00' end)
        ) stored,
        search_text text generated always as (
          lower(code || ' ' || pickup_address || ' ' || dropoff_address || ' ' || customer_name || ' ' ||
            customer_email)
        ) stored
      );
      create index dispatch_order_page_idx on dispatch_order (created_at desc, id desc);
      create index dispatch_order_status_page_idx on dispatch_order (status, created_at desc, id desc);
      create index dispatch_order_payment_page_idx on dispatch_order (payment_status, created_at desc, id desc);
      create index dispatch_order_area_page_idx on dispatch_order (area, created_at desc, id desc);
      create index dispatch_order_driver_idx on dispatch_order (driver_id, created_at desc, id desc);
      create index dispatch_order_search_idx on dispatch_order using gin (search_text gin_trgm_ops);
      -- late pickups (assigned past their slot's start) and late deliveries (in progress past its end)
      create index dispatch_order_late_pickup_idx on dispatch_order (lower(job_window)) where status = 'assigned';
      create index dispatch_order_late_delivery_idx on dispatch_order (upper(job_window))
        where status = 'in_progress';
      -- q fast paths: an order code prefix, a customer's exact email
      create index dispatch_order_code_prefix_idx on dispatch_order (code text_pattern_ops);
      create index dispatch_order_email_idx on dispatch_order (lower(customer_email), created_at desc, id desc);

      -- a customer renamed is found under the new name
      create function dispatch_customer_follow() returns trigger language plpgsql as $$
      begin
        update dispatch_order set customer_name = new.name, customer_email = new.email
         where customer_id = new.id and (customer_name, customer_email) is distinct from (new.name, new.email);
        return null;
      end $$;
      create trigger dispatch_customer_follow after update of name, email on dispatch_customer
        for each row execute function dispatch_customer_follow();

      create table dispatch_assignment (
        id text primary key,
        order_id text not null references dispatch_order (id),
        driver_id text not null references driver (id),
        status text not null default 'active' check (status in ('active', 'released', 'completed')),
        job_window tsrange not null,
        workflow_id text not null unique,
        reason text null,
        created_by text not null,
        created_at timestamptz not null default now(),
        released_at timestamptz null,
        -- a driver is never booked twice for overlapping jobs, whoever assigns at the same time
        constraint driver_not_double_booked exclude using gist (driver_id with =, job_window with &&)
          where (status = 'active')
      );
      create unique index dispatch_assignment_one_active_idx on dispatch_assignment (order_id)
        where status = 'active';
      create index dispatch_assignment_driver_idx on dispatch_assignment (driver_id, status);

      create table assignment_event (
        id text primary key,
        assignment_id text not null references dispatch_assignment (id),
        order_id text not null references dispatch_order (id),
        type text not null,
        description text not null,
        created_at timestamptz not null default now()
      );
      create index assignment_event_assignment_idx on assignment_event (assignment_id, created_at);

      create table order_message (
        id text primary key,
        order_id text not null references dispatch_order (id) on delete cascade,
        content text not null,
        sender text not null,
        created_at timestamptz not null default now()
      );
      create index order_message_order_idx on order_message (order_id, created_at);

      create table tracking_ping (
        id text primary key,
        order_id text not null references dispatch_order (id) on delete cascade,
        lat double precision not null,
        lng double precision not null,
        created_at timestamptz not null default now()
      );
      create index tracking_ping_order_idx on tracking_ping (order_id, created_at desc);

      create table dispatch_payment (
        id text primary key,
        order_id text not null references dispatch_order (id),
        amount_pence integer not null check (amount_pence > 0),
        refunded_pence integer not null default 0 check (refunded_pence >= 0),
        -- refunds accepted but not yet settled: reserved, so concurrent refunds cannot exceed the capture
        pending_refund_pence integer not null default 0 check (pending_refund_pence >= 0),
        status text not null check (status in ('pending', 'paid', 'failed', 'refunded', 'partially_refunded')),
        stripe_payment_intent text not null,
        created_at timestamptz not null default now(),
        constraint payment_never_over_refunded check (refunded_pence + pending_refund_pence <= amount_pence)
      );
      create index dispatch_payment_order_idx on dispatch_payment (order_id);

      create table dispatch_refund (
        id text primary key,
        payment_id text not null references dispatch_payment (id),
        order_id text not null references dispatch_order (id),
        amount integer not null check (amount > 0),
        reason text not null
          check (reason in ('customer_request', 'service_issue', 'duplicate_charge', 'fraud', 'other')),
        status text not null check (status in ('pending', 'processing', 'completed', 'failed')),
        notes text null,
        stripe_refund_id text null,
        failure_message text null,
        workflow_id text not null unique,
        request_hash text not null,
        requested_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        completed_at timestamptz null
      );
      create index dispatch_refund_page_idx on dispatch_refund (created_at desc, id desc);
      create index dispatch_refund_payment_idx on dispatch_refund (payment_id);

      create table pricing_config (
        id text primary key,
        zone_key text not null,
        version integer not null,
        van_rates jsonb not null,
        slot_multipliers jsonb not null,
        day_multipliers jsonb not null,
        access_fees jsonb not null,
        surcharges jsonb not null,
        min_fare_floor integer not null,
        surge_policy jsonb not null,
        vat_rate double precision not null,
        rounding text not null check (rounding in ('nearest', 'up', 'down')),
        lock_ttl_seconds integer not null,
        active_from timestamptz not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        unique (zone_key, version)
      );
      create index pricing_config_in_force_idx on pricing_config (zone_key, active_from desc, version desc);
      -- every version is kept: a price quoted yesterday can be explained today
      create function pricing_config_is_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'pricing_config versions are immutable: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end $$;
      create trigger pricing_config_append_only before update or delete on pricing_config
        for each row execute function pricing_config_is_append_only();

      create table webhook_delivery (
        id text primary key,
        event text not null,
        url text not null,
        payload json not null,
        workflow_id text not null unique,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        created_at timestamptz not null default now(),
        delivered_at timestamptz null
      );
      create index webhook_delivery_page_idx on webhook_delivery (created_at desc, id desc);
      create index webhook_delivery_unstarted_idx on webhook_delivery (created_at)
        where status = 'pending' and attempts = 0;

      create table webhook_attempt (
        id bigserial primary key,
        delivery_id text not null references webhook_delivery (id),
        attempt integer not null,
        status_code integer null,
        error text null,
        duration_ms integer not null,
        at timestamptz not null default now()
      );
      create index webhook_attempt_delivery_idx on webhook_attempt (delivery_id, attempt);

      -- Maintained aggregates: one row per hour and area, and one per hour and
      -- cancellation reason, kept by a row trigger on dispatch_order. A 30-day
      -- summary reads at most 720 rows per area, whatever the number of orders.
      create table dispatch_hourly_stats (
        hour timestamptz not null,
        area text not null,
        bookings integer not null default 0,
        revenue_pence bigint not null default 0,
        pending integer not null default 0,
        assigned integer not null default 0,
        in_progress integer not null default 0,
        completed integer not null default 0,
        cancelled integer not null default 0,
        assigned_count integer not null default 0,
        response_seconds bigint not null default 0,
        picked_up integer not null default 0,
        picked_up_on_time integer not null default 0,
        delivered integer not null default 0,
        delivered_on_time integer not null default 0,
        primary key (hour, area)
      );
      create table dispatch_cancellation_stats (
        hour timestamptz not null,
        reason text not null,
        n integer not null default 0,
        primary key (hour, reason)
      );

      create function dispatch_order_stats(o dispatch_order, sign integer) returns void language plpgsql as $$
      begin
        insert into dispatch_hourly_stats as s (hour, area, bookings, revenue_pence, pending, assigned, in_progress,
            completed, cancelled, assigned_count, response_seconds, picked_up, picked_up_on_time, delivered,
            delivered_on_time)
        values (date_trunc('hour', o.created_at), o.area, sign,
            sign * case when o.payment_status = 'paid' and o.status <> 'cancelled' then o.amount_pence else 0 end,
            sign * (o.status = 'pending')::int, sign * (o.status = 'assigned')::int,
            sign * (o.status = 'in_progress')::int, sign * (o.status = 'completed')::int,
            sign * (o.status = 'cancelled')::int,
            sign * (o.first_assigned_at is not null)::int,
            sign * coalesce(extract(epoch from o.first_assigned_at - o.created_at), 0)::bigint,
            sign * (o.picked_up_at is not null)::int,
            sign * (o.picked_up_at is not null and (o.picked_up_at at time zone 'UTC') <= upper(o.job_window))::int,
            sign * (o.delivered_at is not null)::int,
            sign * (o.delivered_at is not null and (o.delivered_at at time zone 'UTC') <= upper(o.job_window)
              + interval '2 hours')::int)
        on conflict (hour, area) do update set
          bookings = s.bookings + excluded.bookings, revenue_pence = s.revenue_pence + excluded.revenue_pence,
          pending = s.pending + excluded.pending, assigned = s.assigned + excluded.assigned,
          in_progress = s.in_progress + excluded.in_progress, completed = s.completed + excluded.completed,
          cancelled = s.cancelled + excluded.cancelled, assigned_count = s.assigned_count + excluded.assigned_count,
          response_seconds = s.response_seconds + excluded.response_seconds,
          picked_up = s.picked_up + excluded.picked_up,
          picked_up_on_time = s.picked_up_on_time + excluded.picked_up_on_time,
          delivered = s.delivered + excluded.delivered,
          delivered_on_time = s.delivered_on_time + excluded.delivered_on_time;
        if o.status = 'cancelled' then
          insert into dispatch_cancellation_stats as c (hour, reason, n)
          values (date_trunc('hour', o.created_at), coalesce(o.cancellation_reason, 'unspecified'), sign)
          on conflict (hour, reason) do update set n = c.n + excluded.n;
        end if;
      end $$;

      create function dispatch_order_follow() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then perform dispatch_order_stats(old, -1); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform dispatch_order_stats(new, 1); end if;
        return null;
      end $$;
      create trigger dispatch_order_stats after insert or update or delete on dispatch_order
        for each row execute function dispatch_order_follow();
    `);
  }
}
