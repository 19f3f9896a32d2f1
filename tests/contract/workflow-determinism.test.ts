import { expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Workflow code must stay deterministic: it may use @temporalio/workflow and pure
// modules of this project, never Node builtins, the ORM or SDKs. `import type`
// is erased and therefore allowed anywhere.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ALLOWED_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Value imports of a file (import type / export type are skipped). */
function valueImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    if (!m[2]) specs.push(m[3]);
  }
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]);
  return specs;
}

function violations(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return valueImports(file).flatMap((spec) => {
    if (spec.startsWith('.')) return violations(resolve(dirname(file), spec), seen);
    return ALLOWED_PACKAGES.has(spec) ? [] : [`${file.slice(root.length + 1)} imports ${spec}`];
  });
}

test('workflow code imports nothing but @temporalio/workflow and pure project modules', () => {
  const files = tsFiles(join(root, 'workflows'));
  expect(files.length).toBeGreaterThan(3);
  expect(files.flatMap((f) => violations(f))).toEqual([]);
});
