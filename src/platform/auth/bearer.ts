import type { Middleware } from 'koa';
import { unauthorized } from '../http/errors.ts';
import type { OperatorKeyAuthenticator } from './api-keys.ts';

/** `Authorization: Bearer <operator key>`; anything else is 401 in the module's envelope. */
export function operatorKeyAuth(authenticate: OperatorKeyAuthenticator): { middleware: Middleware; scheme: string } {
  const middleware: Middleware = async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('Missing operator API key (Authorization: Bearer <key>)');
    const principal = await authenticate(match[1]);
    if (!principal) throw unauthorized('Invalid or revoked operator API key');
    ctx.state.principal = principal;
    await next();
  };
  return { middleware, scheme: 'operatorKey' };
}
