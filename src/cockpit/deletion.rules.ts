import type { Client } from '../tenants/entities/index.ts';

/**
 * The spec's safety checks (existence is checked before). Every violation is
 * reported, in the spec's wording, so the operator fixes everything in one pass.
 */
export function deletionViolations(client: Client, confirmBusinessName: string | undefined): string[] {
  const violations: string[] = [];
  if (client.onboardingComplete) {
    violations.push('Client is ACTIVE (onboardingComplete=true). Cannot delete active clients.');
  }
  if (!client.opsAlertsMuted) {
    violations.push('Alerts NOT muted (opsAlertsMuted=false). Mute alerts first to confirm deletion intent.');
  }
  if (client.paymentActive) {
    violations.push('Payment is ACTIVE (paymentActive=true). Cannot delete paying customers.');
  }
  if (confirmBusinessName !== client.businessName) {
    const got =
      confirmBusinessName === undefined ? '(nothing; send confirmBusinessName)' : JSON.stringify(confirmBusinessName);
    violations.push(
      `Business name confirmation mismatch. Expected: ${JSON.stringify(client.businessName)}, Got: ${got}`,
    );
  }
  return violations;
}

export interface DeletionLog {
  clientId: string;
  businessName: string;
  deletedAt: string;
  twilioNumberReleased: string | null;
  recordsDeleted: {
    onboardingStates: number;
    messages: number;
    customers: number;
    bookings: number;
    conversations: number;
    leads: number;
    users: number;
    alertLogs: number;
  };
}
