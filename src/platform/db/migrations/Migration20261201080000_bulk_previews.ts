import { Migration } from '@mikro-orm/migrations';

/**
 * Bulk actions on runs: a preview names the runs a filter matched (kept here for five minutes under
 * the hash of its token), and executing it acts on exactly those, once.
 */
export class Migration20261201080000_bulk_previews extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table bulk_preview (
        id uuid primary key,
        token_hash text not null unique,
        action text not null check (action in ('cancel', 'retry')),
        filter_hash text not null,
        targets jsonb not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        executed_at timestamptz null
      );
    `);
  }
}
