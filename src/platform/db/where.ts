/**
 * A SQL WHERE built condition by condition, each condition with its own parameters in order:
 * `w.add('status = ?', status)` …, then `w.clause()` → `{ sql: 'where … and …', params }`.
 */
export function conditions() {
  const parts: string[] = [];
  const params: unknown[] = [];
  return {
    add(sql: string, ...values: unknown[]) {
      parts.push(sql);
      params.push(...values);
    },
    clause(): { sql: string; params: unknown[] } {
      return { sql: parts.length ? `where ${parts.join(' and ')}` : '', params };
    },
  };
}
