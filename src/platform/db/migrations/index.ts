import { Migration20261123000000_foundation } from './Migration20261123000000_foundation.ts';
import { Migration20261123010000_alert_counts } from './Migration20261123010000_alert_counts.ts';
import { Migration20261123020000_control_plane } from './Migration20261123020000_control_plane.ts';
import { Migration20261123030000_support } from './Migration20261123030000_support.ts';
import { Migration20261201000000_client_incarnation } from './Migration20261201000000_client_incarnation.ts';
import { Migration20261201010000_session_idle } from './Migration20261201010000_session_idle.ts';
import { Migration20261201020000_operator_identity } from './Migration20261201020000_operator_identity.ts';
import { Migration20261201030000_answers_as_sent } from './Migration20261201030000_answers_as_sent.ts';
import { Migration20261201040000_dispatch } from './Migration20261201040000_dispatch.ts';
import { Migration20261201050000_caller } from './Migration20261201050000_caller.ts';
import { Migration20261201060000_run_stuck_alerts } from './Migration20261201060000_run_stuck_alerts.ts';
import { Migration20261201070000_run_callbacks } from './Migration20261201070000_run_callbacks.ts';
import { Migration20261201080000_bulk_previews } from './Migration20261201080000_bulk_previews.ts';
import { Migration20261201090000_run_index } from './Migration20261201090000_run_index.ts';
import { Migration20261201100000_call_placed_notice } from './Migration20261201100000_call_placed_notice.ts';
import { Migration20261201110000_run_audit_notice } from './Migration20261201110000_run_audit_notice.ts';
import { Migration20261201120000_order_search_statistics } from './Migration20261201120000_order_search_statistics.ts';

/** Every committed migration, in order. Listed explicitly so no file globbing happens at run time. */
export const migrationsList = [
  { name: 'Migration20261123000000_foundation', class: Migration20261123000000_foundation },
  { name: 'Migration20261123010000_alert_counts', class: Migration20261123010000_alert_counts },
  { name: 'Migration20261123020000_control_plane', class: Migration20261123020000_control_plane },
  { name: 'Migration20261123030000_support', class: Migration20261123030000_support },
  { name: 'Migration20261201000000_client_incarnation', class: Migration20261201000000_client_incarnation },
  { name: 'Migration20261201010000_session_idle', class: Migration20261201010000_session_idle },
  { name: 'Migration20261201020000_operator_identity', class: Migration20261201020000_operator_identity },
  { name: 'Migration20261201030000_answers_as_sent', class: Migration20261201030000_answers_as_sent },
  { name: 'Migration20261201040000_dispatch', class: Migration20261201040000_dispatch },
  { name: 'Migration20261201050000_caller', class: Migration20261201050000_caller },
  { name: 'Migration20261201060000_run_stuck_alerts', class: Migration20261201060000_run_stuck_alerts },
  { name: 'Migration20261201070000_run_callbacks', class: Migration20261201070000_run_callbacks },
  { name: 'Migration20261201080000_bulk_previews', class: Migration20261201080000_bulk_previews },
  { name: 'Migration20261201090000_run_index', class: Migration20261201090000_run_index },
  { name: 'Migration20261201100000_call_placed_notice', class: Migration20261201100000_call_placed_notice },
  { name: 'Migration20261201110000_run_audit_notice', class: Migration20261201110000_run_audit_notice },
  {
    name: 'Migration20261201120000_order_search_statistics',
    class: Migration20261201120000_order_search_statistics,
  },
];
