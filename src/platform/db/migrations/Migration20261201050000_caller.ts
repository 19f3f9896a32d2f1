import { Migration } from '@mikro-orm/migrations';

/**
 * Caller (spec 003): client accounts (secret hashed, with a version that ends
 * old tokens), their calls, the Twilio status callbacks each call received, and
 * the counters the dashboard and call stats read instead of scanning calls.
 */
export class Migration20261201050000_caller extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table caller_client (
        id text primary key,
        status text not null default 'Active' check (status in ('Active', 'Inactive')),
        agent_id text not null,
        twilio_phone_number text not null,
        full_name text not null,
        email text not null,
        phone text not null,
        business_name text null,
        city text null,
        job_title text null,
        notes text null,
        secret_hash text not null,
        -- bumps when the secret is reset: tokens carry the version they were issued under
        secret_version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create unique index caller_client_email_idx on caller_client (lower(email));
      create index caller_client_page_idx on caller_client (created_at desc, id desc);
      create index caller_client_search_idx on caller_client
        using gin ((lower(full_name || ' ' || email || ' ' || coalesce(business_name, ''))) gin_trgm_ops);

      create table caller_call (
        id text primary key,
        client_id text not null references caller_client (id),
        call_sid text null,
        request_id text not null,
        workflow_id text null unique,
        phone text not null,
        from_number text not null,
        agent_id text not null,
        start_time timestamptz not null default now(),
        end_time timestamptz null,
        duration integer null check (duration >= 0),
        status text not null,
        recording_url text null,
        call_count integer not null default 1,
        dial_started_at timestamptz null,
        outcome text null,
        summary text null,
        transcript text null,
        sentiment text null,
        next_action text null,
        next_action_date timestamptz null,
        agent_notes text null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index caller_call_client_page_idx on caller_call (client_id, start_time desc, id desc);
      create index caller_call_client_status_idx on caller_call (client_id, status, start_time desc, id desc);
      create index caller_call_recent_idx on caller_call (start_time desc, id desc);
      -- Twilio's SIDs are unique at Twilio; here they are only looked up (a mock answers one example SID to all).
      create index caller_call_sid_idx on caller_call (call_sid);

      -- Every status callback accepted, once: a replay of the same (call, sequence) is refused.
      create table caller_call_event (
        call_id text not null references caller_call (id) on delete cascade,
        sequence_number integer not null,
        status text not null,
        received_at timestamptz not null default now(),
        primary key (call_id, sequence_number)
      );

      -- Counters per client and in total ('*'): by status, outcome and sentiment, and durations.
      create table caller_call_count (
        client_id text not null,
        dimension text not null check (dimension in ('status', 'outcome', 'sentiment', 'all')),
        value text not null,
        n bigint not null default 0,
        duration bigint not null default 0,
        primary key (client_id, dimension, value)
      );

      -- Calls per hour of their start, for "recent" without counting a day of calls.
      create table caller_call_hourly (
        hour timestamptz primary key,
        n bigint not null default 0
      );

      create function caller_call_count_add(c caller_call, sign integer) returns void language plpgsql as $$
      declare dim text; val text;
      begin
        insert into caller_call_hourly as h (hour, n) values (date_trunc('hour', c.start_time), sign)
        on conflict (hour) do update set n = h.n + excluded.n;
        foreach dim in array array['status', 'outcome', 'sentiment', 'all'] loop
          val := case dim when 'status' then c.status when 'outcome' then coalesce(nullif(c.outcome, ''), 'unknown')
                 when 'sentiment' then coalesce(nullif(c.sentiment, ''), 'unknown') else 'all' end;
          insert into caller_call_count as k (client_id, dimension, value, n, duration)
          select x, dim, val, sign, sign * coalesce(c.duration, 0) from unnest(array[c.client_id, '*']) x
          on conflict (client_id, dimension, value) do update
            set n = k.n + excluded.n, duration = k.duration + excluded.duration;
        end loop;
      end $$;

      create function caller_call_follow() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then perform caller_call_count_add(old, -1); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform caller_call_count_add(new, 1); end if;
        return null;
      end $$;
      create trigger caller_call_counts after insert or delete or update of status, outcome, sentiment, duration,
        client_id, start_time on caller_call for each row execute function caller_call_follow();
    `);
  }
}
