import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A substring search through a pg_trgm GIN index reads the whole posting list of
 * every trigram of its pattern. A trigram most rows share ("cus" of "customer",
 * "com" of ".com") costs a read of most of the index, however few rows match:
 * "customer 4711" read 2,000 index pages to find 220 rows, "%4711%" 14.
 *
 * So the index is asked only for the words of the text that have a trigram few
 * rows share; the whole text is then checked on the rows it gives (a row holding
 * the text holds each of its words, so nothing is lost). A text with no such
 * word, or with only such words, goes to the index whole, as before.
 */

/** The words pg_trgm makes trigrams of: runs of letters and digits. */
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** A word's trigrams inside a pattern (`%word%` has no word-boundary padding). */
function innerTrigrams(word: string): string[] {
  const chars = [...word];
  const out: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) out.push(chars.slice(i, i + 3).join(''));
  return out;
}

/**
 * The words of `text` worth asking the index for, given the trigrams most rows
 * share; null when the text should go to the index whole (no word has a rare
 * trigram, or every word has one).
 */
export function selectiveWords(text: string, common: ReadonlySet<string>): string[] | null {
  const all = words(text);
  const selective = all.filter((w) => innerTrigrams(w).some((t) => !common.has(t)));
  if (!selective.length || selective.length === all.length) return null;
  return selective;
}

/**
 * The trigrams at least `minFrequency` of a column's rows hold, read from the
 * expression statistics `statistics` (CREATE STATISTICS … ON (show_trgm(col)),
 * kept by ANALYZE), cached for `ttlMs`. Empty until the table is analyzed.
 */
export function commonTrigrams(
  em: () => EntityManager,
  statistics: string,
  opts: { minFrequency?: number; ttlMs?: number } = {},
) {
  const minFrequency = opts.minFrequency ?? 0.05;
  const ttlMs = opts.ttlMs ?? 5 * 60_000;
  let cached: { at: number; set: Promise<ReadonlySet<string>> } | null = null;

  async function load(): Promise<ReadonlySet<string>> {
    const rows = (await em().execute(
      `select e.trigram from pg_stats_ext_exprs s,
              unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as e(trigram, frequency)
        where s.statistics_name = ? and e.trigram is not null and e.frequency >= ?`,
      [statistics, minFrequency],
    )) as { trigram: string }[];
    return new Set(rows.map((r) => r.trigram));
  }

  return (): Promise<ReadonlySet<string>> => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const set = load().catch(() => new Set<string>()); // no statistics yet: the index gets the whole text
      cached = { at: Date.now(), set };
    }
    return cached.set;
  };
}
