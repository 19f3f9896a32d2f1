import { Migration } from '@mikro-orm/migrations';

/**
 * A call's Twilio SID, once written, is announced on `caller_call_placed` (payload: the run's
 * workflow ID) when its transaction commits: the make-call request waiting for it reads the row
 * then, instead of waiting for the run to report back through the engine.
 */
export class Migration20261201100000_call_placed_notice extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function caller_call_placed_notice() returns trigger language plpgsql as $$
      begin
        -- A notice's payload is capped at 8000 bytes; past it the waiter's own re-read answers.
        if octet_length(new.workflow_id) < 8000 then
          perform pg_notify('caller_call_placed', new.workflow_id);
        end if;
        return null;
      end $$;
      create trigger caller_call_placed_notice after update of call_sid on caller_call
        for each row when (old.call_sid is null and new.call_sid is not null and new.workflow_id is not null)
        execute function caller_call_placed_notice();
    `);
  }
}
