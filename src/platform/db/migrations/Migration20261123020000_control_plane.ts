import { Migration } from '@mikro-orm/migrations';

/** Ops Control Plane: idempotency records, the shared rate-limit store, tenant provisioning fields. */
export class Migration20261123020000_control_plane extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- Promises longer than Temporal's retention (7-day replay) live here.
      create table idempotency_record (
        scope text not null,
        key text not null,
        payload_hash text not null,
        status text not null check (status in ('in_progress', 'completed')),
        workflow_id text not null,
        response jsonb null,
        executed_at timestamptz null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        primary key (scope, key)
      );
      create index idempotency_record_expires_idx on idempotency_record (expires_at);

      -- rate-limiter-flexible's PostgreSQL store, shared by every API process.
      create table rate_limit (
        key varchar(255) primary key,
        points integer not null default 0,
        expire bigint
      );

      alter table client add column calendar_provider text null;
      alter table client add column scheduling_configured boolean not null default false;
    `);
  }
}
