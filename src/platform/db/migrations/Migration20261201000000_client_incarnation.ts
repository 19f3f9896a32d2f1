import { Migration } from '@mikro-orm/migrations';

/**
 * A client row gets an incarnation: a new one each time the row is created, so a
 * client deleted and created again is never mistaken for the one deleted before
 * (the deletion workflow ID names the incarnation). Each committed deletion keeps
 * a permanent, append-only record of what was deleted, when and by whom.
 */
export class Migration20261201000000_client_incarnation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table client add column incarnation uuid not null default gen_random_uuid();

      create table client_deletion (
        id bigserial primary key,
        client_id text not null,
        incarnation uuid not null,
        business_name text not null,
        deleted_at timestamptz not null,
        actor_type text not null,
        actor_id text not null,
        request_id text null,
        workflow_id text not null unique,
        deletion_log jsonb not null,
        unique (client_id, incarnation)
      );
      create index client_deletion_client_idx on client_deletion (client_id, deleted_at desc);

      -- One guard for every append-only table (the audit log's own guard is folded into it).
      create function refuse_change_of_record() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
      end $$;
      drop trigger audit_event_no_update_delete on audit_event;
      drop trigger audit_event_no_truncate on audit_event;
      drop function audit_event_is_append_only();
      create trigger audit_event_no_update_delete before update or delete on audit_event
        for each row execute function refuse_change_of_record();
      create trigger audit_event_no_truncate before truncate on audit_event
        for each statement execute function refuse_change_of_record();
      create trigger client_deletion_no_update_delete before update or delete on client_deletion
        for each row execute function refuse_change_of_record();
      create trigger client_deletion_no_truncate before truncate on client_deletion
        for each statement execute function refuse_change_of_record();
    `);
  }
}
