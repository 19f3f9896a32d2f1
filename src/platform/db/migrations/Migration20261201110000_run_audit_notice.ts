import { Migration } from '@mikro-orm/migrations';

/**
 * Every durable run audits its effect in the transaction that commits it (a deletion, a booking, a
 * settled refund). Such an audit event is announced on `run_audited` (payload: the run's workflow ID)
 * when it commits, so the request waiting for that run reads the committed answer then, instead of
 * waiting for the run to report back through the engine. The index serves those reads and a step's
 * own "did I commit before?" check (which read the whole table).
 */
export class Migration20261201110000_run_audit_notice extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create index audit_event_workflow_idx on audit_event (workflow_id) where workflow_id is not null;
      create function audit_event_run_notice() returns trigger language plpgsql as $$
      begin
        -- A notice's payload is capped at 8000 bytes; past it the waiter's own re-read answers.
        if octet_length(new.workflow_id) < 8000 then
          perform pg_notify('run_audited', new.workflow_id);
        end if;
        return null;
      end $$;
      create trigger audit_event_run_notice after insert on audit_event
        for each row when (new.workflow_id is not null) execute function audit_event_run_notice();
    `);
  }
}
