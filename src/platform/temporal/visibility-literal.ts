/**
 * Values reach Temporal inside a visibility query's string literals: only characters that cannot end
 * one are allowed (no quotes, no backslash), whatever checked them before. `name` says which value.
 */
const SAFE_VALUE = /^[A-Za-z0-9._:@+\- ]+$/;

export function visibilityLiteral(value: string, name = 'value'): string {
  if (!SAFE_VALUE.test(value)) throw new Error(`runs filter ${name}: unsafe value`);
  return `'${value}'`;
}
