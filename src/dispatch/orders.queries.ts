import { afterCursor, containing, type Cursor } from '../platform/db/keyset.ts';
import { conditions } from '../platform/db/where.ts';
import { selectiveWords } from '../platform/db/trigram-search.ts';

/** The columns every order read selects: the order, its driver and its active assignment. */
export const ORDER_SELECT = `
  select o.id, o.code, o.status, o.pickup_address, o.dropoff_address, o.preferred_date::text as preferred_date,
         o.time_slot, o.amount_pence, o.payment_status, o.created_at, o.customer_id, o.customer_name,
         o.customer_email, o.driver_id, d.user_id as driver_user_id, d.name as driver_name,
         d.email as driver_email, o.assignment_id, a.status as assignment_status, o.notes
    from dispatch_order o
    left join driver d on d.id = o.driver_id
    left join dispatch_assignment a on a.id = o.assignment_id`;

export interface OrderFilter {
  status?: string;
  q?: string;
  from?: Date;
  to?: Date;
  payment?: string;
  driver?: string;
  area?: string;
  dateRange?: 'today' | 'week' | 'month';
  cursor?: Cursor;
}

/**
 * What `q` looks like decides the index: an order code (letters then 4+ digits)
 * matches codes starting with it, a whole email address the customer's email
 * exactly; anything else is a substring of code, addresses, name or email
 * (trigram index). Common trigrams make the substring path the slowest of the three:
 * given the trigrams most orders share, the index is asked only for the words that
 * have a rarer one, and the whole text is checked on the rows it gives.
 */
/** The expression statistics of dispatch_order.search_text's trigrams (migration order_search_statistics). */
export const ORDER_SEARCH_STATISTICS = 'dispatch_order_search_trigrams';

const CODE_SHAPE = /^[A-Za-z]{1,3}[0-9]{4,}$/;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const RANGE_START: Record<NonNullable<OrderFilter['dateRange']>, string> = {
  today: `date_trunc('day', now())`,
  week: `now() - interval '7 days'`,
  month: `now() - interval '30 days'`,
};

/**
 * The WHERE of an orders page. Every filter has an index: the page indexes for
 * status, payment and area, the trigram index for `q` (search_text holds code,
 * addresses, customer name and email) and for the driver's name.
 */
export function orderWhere(f: OrderFilter, commonTrigrams?: ReadonlySet<string>): { sql: string; params: unknown[] } {
  const w = conditions();
  const add = w.add;
  if (f.status) add('o.status = ?', f.status);
  if (f.payment) add('o.payment_status = ?', f.payment);
  if (f.area) add('o.area = ?', f.area);
  if (f.q) {
    const q = f.q.trim();
    if (CODE_SHAPE.test(q)) add('o.code like ?', `${q.toUpperCase()}%`);
    else if (EMAIL_SHAPE.test(q)) add('lower(o.customer_email) = ?', q.toLowerCase());
    else {
      const words = commonTrigrams ? selectiveWords(q, commonTrigrams) : null;
      if (!words) add('o.search_text like ?', containing(q));
      else {
        for (const word of words) add('o.search_text like ?', containing(word));
        // Not indexable on purpose: checked on the rows the selective words found.
        add(`(o.search_text || '') like ?`, containing(q));
      }
    }
  }
  if (f.driver)
    add(`o.driver_id in (select id from driver where lower(name || ' ' || email) like ?)`, containing(f.driver));
  if (f.from) add('o.created_at >= ?', f.from);
  if (f.to) add('o.created_at <= ?', f.to);
  if (f.dateRange) add(`o.created_at >= ${RANGE_START[f.dateRange]}`);
  if (f.cursor) {
    const after = afterCursor('dispatch_order', 'created_at', f.cursor, 'o');
    add(after.sql, ...after.params);
  }
  return w.clause();
}
