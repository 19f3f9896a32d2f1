import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';

/** Custom search attributes set on every run, so the Web UI can filter by them. */
export const Operation = defineSearchAttributeKey('Operation', SearchAttributeType.KEYWORD);
export const TenantId = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const Actor = defineSearchAttributeKey('Actor', SearchAttributeType.KEYWORD);
/** Set by a run that waits for an approval: pending, then approved, rejected or expired. */
export const ApprovalState = defineSearchAttributeKey('ApprovalState', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = [Operation.name, TenantId.name, Actor.name, ApprovalState.name] as const;

export interface RunLabels {
  operation: string;
  tenantId?: string;
  actor: string;
}

/** A run's labels as its search attributes hold them (null where the run carries none). */
export function runLabelsOf(attrs: TypedSearchAttributes) {
  return {
    operation: attrs.get(Operation) ?? null,
    tenantId: attrs.get(TenantId) ?? null,
    actor: attrs.get(Actor) ?? null,
  };
}

export function runSearchAttributes(labels: RunLabels): TypedSearchAttributes {
  const pairs = [
    { key: Operation, value: labels.operation },
    { key: Actor, value: labels.actor },
    ...(labels.tenantId ? [{ key: TenantId, value: labels.tenantId }] : []),
  ];
  return new TypedSearchAttributes(pairs);
}
