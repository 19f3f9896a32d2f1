import type { FieldIssue } from './errors.ts';

// PostgreSQL refuses NUL in text and jsonb, and unpaired UTF-16 surrogates in
// jsonb. A string that reached an effect and then failed its audit insert would
// leave the effect without its record, so every input is checked here, at the
// edge, before anything runs.

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as it is, or null when it can. */
export function unstorableReason(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be valid Unicode text (unpaired surrogate)';
  return null;
}

/** Every string (keys included) in a parsed request part that cannot be stored, as field issues. */
export function unstorableStrings(value: unknown, where: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (depth > 32) {
      issues.push({ field: path, message: 'is nested too deeply' });
      return;
    }
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason) issues.push({ field: path, message: reason });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${path}.${i}`, depth + 1));
    } else if (v && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const reason = unstorableReason(key);
        const shownKey = reason ? JSON.stringify(key).slice(1, -1) : key;
        if (reason) issues.push({ field: `${path}.${shownKey}`, message: `field name ${reason}` });
        walk(item, `${path}.${shownKey}`, depth + 1);
      }
    }
  };
  walk(value, where, 0);
  return issues;
}
