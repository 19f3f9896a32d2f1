import { Migration } from '@mikro-orm/migrations';

/**
 * The runs list's own index of runs: what never changes about a run (its IDs, type, labels and
 * start), copied from Temporal's visibility by every worker, so a page deep in the list is one
 * index seek here. What changes (status, approval, close time) is read from visibility for each
 * page's runs.
 */
export class Migration20261201090000_run_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table run_index (
        id text primary key,
        workflow_id text not null,
        workflow_type text not null,
        operation text null,
        tenant_id text null,
        actor text null,
        started_at timestamptz not null,
        execution_time timestamptz not null
      );
      create index run_index_by_start on run_index (started_at desc, id desc);
      create index run_index_by_operation on run_index (operation, started_at desc, id desc);
      create index run_index_by_tenant on run_index (tenant_id, started_at desc, id desc);
      create index run_index_by_actor on run_index (actor, started_at desc, id desc);
    `);
  }
}
