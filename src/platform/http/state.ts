import type { ParameterizedContext } from 'koa';
import type { Principal } from '../auth/principal.ts';

/**
 * What the platform's middleware puts on `ctx.state`, typed (Koa's own DefaultState
 * is `any`). A module adds its own fields through `OpsContext<ItsState>`.
 */
export interface OpsState {
  /** Set by the request-id middleware for every request. */
  requestId: string;
  /** Set by the route's authenticator. */
  principal?: Principal;
  /** The session token when the principal came from the session cookie. */
  sessionToken?: string;
  /** The envelope errors of this route answer in. */
  envelope?: string;
  /** The run this request started or joined, for the request log. */
  workflowId?: string;
  /** The validated params, query and body. */
  input?: unknown;
}

export type OpsContext<ModuleState = object> = ParameterizedContext<OpsState & ModuleState>;
