import { Migration } from '@mikro-orm/migrations';

/**
 * How many orders hold each trigram of their search text, kept by ANALYZE (and autovacuum): the
 * orders list asks the trigram index only for the words of `q` that have a trigram few orders
 * share (see src/platform/db/trigram-search.ts).
 */
export class Migration20261201120000_order_search_statistics extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create statistics dispatch_order_search_trigrams on (show_trgm(search_text)) from dispatch_order;
      analyze dispatch_order;
    `);
  }
}
