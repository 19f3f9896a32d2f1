import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CLIENT_DELETE, DELETE_FAILURES } from '../../src/cockpit/client-delete.contract.ts';
import { ALERTS_DETECT } from '../../src/cockpit/alerts-detect.contract.ts';
import { OPS_ERRORS, OPS_EXECUTE } from '../../src/control/ops-execute.contract.ts';
import * as workflows from '../../workflows/index.ts';

// Each durable operation's workflow type, ID prefix and failure codes are spelled
// in its contract file only: everything else imports them.

const root = resolve(import.meta.dirname, '../..');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = ['src', 'workflows', 'activities', 'workers', 'bench'].flatMap((d) => files(join(root, d)));

const literals = [
  CLIENT_DELETE.operation,
  CLIENT_DELETE.workflowType,
  ...Object.values(DELETE_FAILURES),
  ALERTS_DETECT.operation,
  ALERTS_DETECT.workflowType,
  OPS_EXECUTE.workflowType,
  ...Object.values(OPS_ERRORS).filter((c) => !['FORBIDDEN', 'VALIDATION_ERROR', 'RATE_LIMIT_EXCEEDED'].includes(c)),
];

describe('durable operation contracts', () => {
  test('no workflow type, ID prefix or failure code is spelled outside its contract file', () => {
    const stray: string[] = [];
    for (const file of code.filter((f) => !f.endsWith('.contract.ts'))) {
      const text = readFileSync(file, 'utf8');
      for (const literal of literals) {
        if (new RegExp(`['"\`]${literal}[:'"\`]`).test(text)) stray.push(`${relative(root, file)}: ${literal}`);
      }
    }
    expect(stray).toEqual([]);
  });

  test('every contract names a workflow the worker really registers', () => {
    for (const type of [CLIENT_DELETE.workflowType, ALERTS_DETECT.workflowType, OPS_EXECUTE.workflowType]) {
      expect(typeof (workflows as Record<string, unknown>)[type]).toBe('function');
    }
  });
});
