import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Random secrets we hand out (API keys, session and conversation tokens) are
// kept only as their SHA-256: high-entropy values need no slow hash, and a
// leaked table gives nothing to present.

/** Hex SHA-256 of a secret, the form stored at rest. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `presented` hashes to `storedDigest`, compared in constant time. */
export function matchesDigest(storedDigest: string, presented: string): boolean {
  const stored = Buffer.from(storedDigest, 'hex');
  const actual = Buffer.from(secretDigest(presented), 'hex');
  return stored.length === actual.length && timingSafeEqual(stored, actual);
}

/** A new random secret, base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
