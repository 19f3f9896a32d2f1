export { deleteClientWorkflow } from './cockpit/delete-client.workflow.ts';
export { detectAlertsWorkflow } from './cockpit/detect-alerts.workflow.ts';
export { opsExecuteWorkflow } from './control/ops-execute.workflow.ts';
