import { SignJWT, jwtVerify, errors } from 'jose';
import { AppError } from '../platform/http/errors.ts';

/** Who a caller token is for: the admin routes (an operator) or the client routes (a client account). */
export const AUDIENCES = { admin: 'ops-caller-admin', client: 'ops-caller-client' } as const;
export type Audience = keyof typeof AUDIENCES;

const ISSUER = 'ops-platform';
/** Pinned: a token with any other algorithm (alg none included) is refused before its signature is read. */
const ALG = 'HS256';

export interface TokenClaims {
  sub: string;
  /** client: the secret version the token was issued under. */
  sv?: number;
  /** admin: a digest of the password the token was issued under (a password reset ends the token). */
  pv?: string;
}

/** Without a secret (CALLER_JWT_SECRET unset) no token is issued (503) and none is accepted. */
export function createTokenIssuer(opts: { secret: string | undefined; ttlMs: number }) {
  const key = opts.secret ? new TextEncoder().encode(opts.secret) : null;
  return {
    async issue(audience: Audience, claims: TokenClaims): Promise<{ token: string; expiresAt: Date }> {
      if (!key)
        throw new AppError(503, 'CALLER_NOT_CONFIGURED', 'Caller tokens are not configured (CALLER_JWT_SECRET)');
      const expiresAt = new Date(Math.floor((Date.now() + opts.ttlMs) / 1000) * 1000);
      const token = await new SignJWT({
        ...(claims.pv ? { pv: claims.pv } : {}),
        ...(claims.sv ? { sv: claims.sv } : {}),
      })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCES[audience])
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },

    /** The claims of a valid token for `audience`, or null (bad signature, alg, issuer, audience or expiry). */
    async verify(audience: Audience, token: string): Promise<TokenClaims | null> {
      if (!key) return null;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          issuer: ISSUER,
          audience: AUDIENCES[audience],
          requiredClaims: ['sub', 'exp'],
        });
        return { sub: payload.sub!, pv: payload.pv as string | undefined, sv: payload.sv as number | undefined };
      } catch (err) {
        if (err instanceof errors.JOSEError) return null;
        throw err;
      }
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
