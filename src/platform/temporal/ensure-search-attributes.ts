import proto from '@temporalio/proto';
import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_NAMES } from './search-attributes.ts';

/**
 * Registers Operation, TenantId and Actor on a cluster that lacks them (the dev
 * server gets them on its command line). Idempotent; run at worker start.
 */
export async function ensureSearchAttributes(
  connection: Connection | NativeConnection,
  namespace: string,
): Promise<string[]> {
  const operator = connection.operatorService;
  const existing = await operator.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => !(n in (existing.customAttributes ?? {})));
  if (missing.length) {
    const searchAttributes = Object.fromEntries(
      missing.map((n) => [n, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    );
    // Two workers starting together both find them missing: the one that adds second is refused, harmlessly.
    await operator.addSearchAttributes({ namespace, searchAttributes }).catch(async (err: unknown) => {
      const now = await operator.listSearchAttributes({ namespace });
      if (missing.some((n) => !(n in (now.customAttributes ?? {})))) throw err;
    });
  }
  return missing;
}
