import { Migration } from '@mikro-orm/migrations';

/** Completion callbacks: one row per (run, target URL), with its attempts and outcome. */
export class Migration20261201070000_run_callbacks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table run_callback (
        id text primary key,
        workflow_id text not null,
        url text not null,
        status text not null check (status in ('pending', 'delivered', 'failed')),
        attempts int not null default 0,
        last_status_code int null,
        last_error text null,
        created_at timestamptz not null default now(),
        delivered_at timestamptz null
      );
      create index run_callback_workflow_idx on run_callback (workflow_id);
    `);
  }
}
