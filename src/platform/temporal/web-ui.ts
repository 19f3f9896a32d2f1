/** A run's page in the Temporal Web UI, or null when no UI address is configured (TEMPORAL_UI_URL). */
export function runWebUiUrl(
  ui: { uiUrl: string | null; namespace: string },
  workflowId: string,
  runId: string,
): string | null {
  if (!ui.uiUrl) return null;
  return (
    `${ui.uiUrl}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/` +
    `${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`
  );
}
