import { Migration } from '@mikro-orm/migrations';

/**
 * A maintained count of alerts per (type, severity), kept by triggers in the
 * same transaction as each insert/delete, so `total` on the alert list costs a
 * read of at most 12 rows instead of a scan of the alert table.
 */
export class Migration20261123010000_alert_counts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table alert_log_count (
        alert_type text not null,
        severity text not null,
        n bigint not null default 0,
        primary key (alert_type, severity)
      );
      insert into alert_log_count (alert_type, severity, n)
        select t, s, (select count(*) from alert_log a where a.alert_type = t and a.severity = s)
          from unnest(array['STUCK_CLIENT','PAYMENT_BLOCK','POOL_EMPTY']) t,
            unnest(array['LOW','MEDIUM','HIGH','CRITICAL']) s;

      create function alert_log_count_rows() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          update alert_log_count c set n = c.n + d.k
            from (select alert_type, severity, count(*) as k from new_rows group by 1, 2) d
           where c.alert_type = d.alert_type and c.severity = d.severity;
        elsif tg_op = 'DELETE' then
          update alert_log_count c set n = c.n - d.k
            from (select alert_type, severity, count(*) as k from old_rows group by 1, 2) d
           where c.alert_type = d.alert_type and c.severity = d.severity;
        end if;
        return null;
      end $$;
      create trigger alert_log_count_insert after insert on alert_log
        referencing new table as new_rows for each statement execute function alert_log_count_rows();
      create trigger alert_log_count_delete after delete on alert_log
        referencing old table as old_rows for each statement execute function alert_log_count_rows();

      create function alert_log_count_truncate() returns trigger language plpgsql as $$
      begin
        update alert_log_count set n = 0;
        return null;
      end $$;
      create trigger alert_log_count_truncate after truncate on alert_log
        for each statement execute function alert_log_count_truncate();
    `);
  }
}
