/**
 * A workflow ID is `<operation>:<business key>` and doubles as the idempotency key:
 * the same operation on the same key always lands on the same run.
 */
export function workflowId(operation: string, ...key: string[]): string {
  for (const part of key) {
    if (!part) throw new Error(`empty key part for workflow ${operation}`);
  }
  return [operation, ...key].join(':');
}
