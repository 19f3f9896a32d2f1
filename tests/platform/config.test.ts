import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig, parseDuration } from '../../src/platform/config.ts';

describe('configuration', () => {
  test('defaults give a runnable development setup with no secrets', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.temporal.taskQueue).toBe('ops');
    expect(c.auth.adminApiKey).toBeUndefined();
    expect(c.alerts.stuckThresholdMs).toBe(24 * 3_600_000);
  });

  test('lists every bad value with its variable name and reason', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', OPS_ADMIN_API_KEY: 'short', SYNC_WAIT: 'soon' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'OPS_ADMIN_API_KEY', 'SYNC_WAIT']) expect(msg).toContain(name);
    expect(msg).toContain('must be at least 24 characters');
  });

  test('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5m')).toBe(300_000);
    expect(() => parseDuration('5 minutes')).toThrow(ConfigError);
  });
});
