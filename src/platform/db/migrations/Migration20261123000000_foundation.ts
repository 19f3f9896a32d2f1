import { Migration } from '@mikro-orm/migrations';

/** Platform foundation and the Operator Cockpit schema. */
export class Migration20261123000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table client (
        id text primary key,
        business_name text not null,
        email text null,
        onboarding_complete boolean not null default false,
        ops_alerts_muted boolean not null default false,
        payment_active boolean not null default false,
        payment_gate_alerted_at timestamptz null,
        twilio_number text null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index client_created_at_id_idx on client (created_at desc, id desc);

      create table onboarding_state (
        id text primary key,
        client_id text not null references client (id),
        current_step text not null,
        last_progress_at timestamptz not null,
        stuck_detected_at timestamptz null,
        stuck_severity text null check (stuck_severity in ('LOW','MEDIUM','HIGH','CRITICAL')),
        is_terminal boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index onboarding_state_client_id_idx on onboarding_state (client_id);
      create index onboarding_state_stuck_idx on onboarding_state (stuck_detected_at desc, id desc) where
        stuck_detected_at is not null;

      create table phone_number (
        phone_number text primary key,
        status text not null check (status in ('AVAILABLE','ASSIGNED','RETIRED')),
        assigned_client_id text null references client (id),
        updated_at timestamptz not null default now(),
        check ((status = 'ASSIGNED') = (assigned_client_id is not null))
      );
      create index phone_number_available_idx on phone_number (status) where status = 'AVAILABLE';

      create table customer (
        id text primary key, client_id text not null references client (id),
        name text not null, phone text null, created_at timestamptz not null default now()
      );
      create index customer_client_id_idx on customer (client_id);

      create table booking (
        id text primary key, client_id text not null references client (id),
        customer_name text not null, starts_at timestamptz not null, status text not null,
        created_at timestamptz not null default now()
      );
      create index booking_client_id_idx on booking (client_id);

      create table conversation (
        id text primary key, client_id text not null references client (id),
        customer_name text null, channel text not null, status text not null,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now()
      );
      create index conversation_client_id_idx on conversation (client_id);

      create table message (
        id text primary key, client_id text not null references client (id),
        conversation_id text not null references conversation (id),
        role text not null, content text not null, created_at timestamptz not null default now()
      );
      create index message_client_id_idx on message (client_id);
      create index message_conversation_id_idx on message (conversation_id, created_at);

      create table lead (
        id text primary key, client_id text not null references client (id),
        name text not null, source text not null, created_at timestamptz not null default now()
      );
      create index lead_client_id_idx on lead (client_id);

      create table client_user (
        id text primary key, client_id text not null references client (id),
        email text not null, role text not null, created_at timestamptz not null default now()
      );
      create index client_user_client_id_idx on client_user (client_id);

      create table alert_log (
        id text primary key,
        created_at timestamptz not null default now(),
        alert_type text not null check (alert_type in ('STUCK_CLIENT','PAYMENT_BLOCK','POOL_EMPTY')),
        alert_key text not null,
        severity text not null check (severity in ('LOW','MEDIUM','HIGH','CRITICAL')),
        resource_id text not null,
        delivered_at timestamptz null,
        channel text not null,
        metadata jsonb not null default '{}',
        resolved_at timestamptz null
      );
      -- keyset pages: newest first, optionally narrowed by one filter
      create index alert_log_page_idx on alert_log (created_at desc, id desc);
      create index alert_log_type_page_idx on alert_log (alert_type, created_at desc, id desc);
      create index alert_log_severity_page_idx on alert_log (severity, created_at desc, id desc);
      create index alert_log_resource_page_idx on alert_log (resource_id, created_at desc, id desc);
      -- at most one open alert per type and resource
      create unique index alert_log_one_open_idx on alert_log (alert_type, resource_id) where resolved_at is null;

      create table operator_api_key (
        id text primary key,
        name text not null unique,
        key_hash text not null unique,
        role text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz null
      );

      create table audit_event (
        id bigserial primary key,
        occurred_at timestamptz not null default now(),
        actor_type text not null,
        actor_id text not null,
        action text not null,
        resource_type text not null,
        resource_id text null,
        outcome text not null,
        before jsonb null,
        after jsonb null,
        ip text null,
        user_agent text null,
        request_id text null,
        workflow_id text null
      );
      create index audit_event_resource_idx on audit_event (resource_type, resource_id, occurred_at desc);

      create function audit_event_is_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;
      create trigger audit_event_no_update_delete before update or delete on audit_event
        for each row execute function audit_event_is_append_only();
      create trigger audit_event_no_truncate before truncate on audit_event
        for each statement execute function audit_event_is_append_only();
    `);
  }
}
