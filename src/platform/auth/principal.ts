import type { Role } from './roles.ts';

/** Who is acting. Every authenticator produces one; audit events record it. */
export interface Principal {
  kind: 'operator-key' | 'operator-session' | 'operator-token' | 'caller-client' | 'control-key' | 'system';
  id: string;
  name: string;
  role: Role;
}

export const SYSTEM_PRINCIPAL: Principal = { kind: 'system', id: 'system', name: 'system', role: 'admin' };

/** The label used for the Actor search attribute and audit actor id. */
export function actorLabel(p: Principal): string {
  return `${p.kind}:${p.name}`;
}
