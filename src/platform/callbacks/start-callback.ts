import { z } from 'zod';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { AppError, validationError } from '../http/errors.ts';
import { refusedTarget } from '../webhooks/public-target.ts';
import { startOrAttach } from '../temporal/runs.ts';
import { RUN_CALLBACK, runCallbackWorkflowId, type RunCallbackRequest } from './run-callback.contract.ts';

/** A start's `callbackUrl`: where the platform POSTs the run's outcome when it ends (e.g. n8n's resumeUrl). */
export const callbackUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

export interface CallbackSettings {
  /** Signs every callback (X-Ops-Signature); without it no start may ask for one. */
  secret: string | undefined;
  /** Private, loopback and link-local targets are refused unless this is set (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

/**
 * Checks a start's `callbackUrl` before anything runs: callbacks configured, and a target that is
 * not private, loopback or link-local once its name is resolved (it is checked again when the
 * callback connects, on the address it really uses). `field` names the request's field in the 400.
 */
export async function checkCallbackUrl(settings: CallbackSettings, url: string, field: string): Promise<void> {
  if (!settings.secret)
    throw new AppError(400, 'CALLBACK_NOT_CONFIGURED', 'Completion callbacks need CALLBACK_SECRET on the platform', {
      details: { field },
    });
  const refused = await refusedTarget(url, settings.allowPrivate);
  if (refused) throw validationError([{ field, message: `is refused: ${refused}` }]);
}

/**
 * Starts (or joins) the callback that announces the run's end at `url`: its own durable run,
 * `run-callback:<workflowId>:<url key>`, so a repeated request never calls back twice.
 */
export async function startCallback(
  client: Client,
  taskQueue: string,
  req: RunCallbackRequest & { actor: string; tenantId?: string },
): Promise<string> {
  const id = runCallbackWorkflowId(req.workflowId, req.url);
  await startOrAttach(client, {
    workflowType: RUN_CALLBACK.workflowType,
    workflowId: id,
    taskQueue,
    args: [{ workflowId: req.workflowId, runId: req.runId, operation: req.operation, url: req.url }],
    labels: {
      operation: RUN_CALLBACK.operation,
      actor: req.actor,
      ...(req.tenantId ? { tenantId: req.tenantId } : {}),
    },
    summary: `Call back when ${req.workflowId} ends`,
  });
  return id;
}

/**
 * After a start that asked for a callback (`url` set): the callback for this run of `handle` (its
 * run ID pinned, so a later retry of the ID is not announced as this one). Nothing when `url` is unset.
 */
export async function callBackWhenDone(
  client: Client,
  taskQueue: string,
  handle: WorkflowHandle,
  req: { url: string | undefined; operation: string; actor: string; tenantId?: string },
): Promise<void> {
  if (!req.url) return;
  const { runId } = await handle.describe();
  await startCallback(client, taskQueue, { ...req, url: req.url, workflowId: handle.workflowId, runId });
}
