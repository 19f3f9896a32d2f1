import { Migration } from '@mikro-orm/migrations';

/**
 * Stored answers are replayed to the caller who sent the same request again, so
 * they are kept as the text that was sent (json), not re-ordered by jsonb: a
 * replay is the same body, its keys in the same order. Nothing queries inside them.
 */
export class Migration20261201030000_answers_as_sent extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table idempotency_record alter column response type json using response::json;`);
    this.addSql(`alter table client_deletion alter column deletion_log type json using deletion_log::json;`);
  }
}
