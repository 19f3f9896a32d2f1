import { Migration } from '@mikro-orm/migrations';

/**
 * RUN_STUCK: a durable run still open past its operation's SLA. Raised once per run (its Temporal run
 * ID is the alert key, unique for the type even after the alert is resolved), and counted like the others.
 */
export class Migration20261201060000_run_stuck_alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table alert_log drop constraint alert_log_alert_type_check;
      alter table alert_log add constraint alert_log_alert_type_check
        check (alert_type in ('STUCK_CLIENT','PAYMENT_BLOCK','POOL_EMPTY','RUN_STUCK'));
      create unique index alert_log_run_stuck_once_idx on alert_log (alert_key) where alert_type = 'RUN_STUCK';
      insert into alert_log_count (alert_type, severity, n)
        select 'RUN_STUCK', s, 0 from unnest(array['LOW','MEDIUM','HIGH','CRITICAL']) s
        on conflict do nothing;
    `);
  }
}
