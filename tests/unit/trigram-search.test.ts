import { describe, expect, test } from '@jest/globals';
import { selectiveWords } from '../../src/platform/db/trigram-search.ts';

// The trigrams of "customer" and "example", as if every order's search text held them.
const COMMON = new Set(['cus', 'ust', 'sto', 'tom', 'ome', 'mer', 'exa', 'xam', 'amp', 'mpl', 'ple', 'com']);

describe('which words of a search the trigram index is asked for', () => {
  test('only the words with a trigram few rows share, when others have none', () => {
    expect(selectiveWords('Customer 4711', COMMON)).toEqual(['4711']);
    expect(selectiveWords('customer4711@example.com', COMMON)).toEqual(['customer4711']);
  });

  test('the whole text when every word is selective, or none is', () => {
    expect(selectiveWords('Jane Doe', COMMON)).toBeNull();
    expect(selectiveWords('customer example', COMMON)).toBeNull();
  });

  test('words too short for a trigram are never what the index is asked for', () => {
    expect(selectiveWords('customer 12', COMMON)).toBeNull();
  });

  test('punctuation separates words as pg_trgm does, and case does not matter', () => {
    expect(selectiveWords('CUSTOMER, Smithson!', COMMON)).toEqual(['smithson']);
  });
});
