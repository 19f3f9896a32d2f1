import type { Middleware } from 'koa';
import { unauthorized } from '../http/errors.ts';
import type { OperatorKeyAuthenticator } from './api-keys.ts';
import type { Refusals } from './refusals.ts';

/** `Authorization: Bearer <operator key>`; anything else is 401 in the module's envelope. */
export function operatorKeyAuth(
  authenticate: OperatorKeyAuthenticator,
  refusals: Refusals,
): { middleware: Middleware; scheme: string } {
  const middleware: Middleware = async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('Missing operator API key (Authorization: Bearer <key>)');
    await refusals.assertAllowed(ctx);
    const principal = await authenticate(match[1]);
    if (!principal) {
      await refusals.refused(ctx, 'operatorKey', match[1], 'invalid or revoked operator API key');
      throw unauthorized('Invalid or revoked operator API key');
    }
    ctx.state.principal = principal;
    await next();
  };
  return { middleware, scheme: 'operatorKey' };
}
