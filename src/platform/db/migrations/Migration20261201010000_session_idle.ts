import { Migration } from '@mikro-orm/migrations';

/** Sessions end after a time without requests as well as at their absolute expiry. */
export class Migration20261201010000_session_idle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table operator_session add column last_seen_at timestamptz not null default now();`);
  }
}
