import { randomUUID } from 'node:crypto';
import type { TestContext } from './context.ts';

/** Anything that runs SQL on the platform's database: the in-process test API, or the cluster tier's. */
export type SqlContext = Pick<TestContext, 'sql'>;
import { clientDeleteWorkflowId } from '../../src/cockpit/client-delete.contract.ts';

const HOUR = 3_600_000;

export interface ClientSeed {
  businessName?: string;
  onboardingComplete?: boolean;
  opsAlertsMuted?: boolean;
  paymentActive?: boolean;
  withNumber?: boolean;
  step?: string | null;
  stalledHours?: number;
  stuck?: { severity: string; terminal?: boolean } | null;
  paymentGateAlertedAt?: Date | null;
  records?: number;
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * A client with `records` of every dependent kind (messages: 2 per conversation),
 * an onboarding state and optionally an assigned pool number.
 */
export async function seedClient(t: SqlContext, seed: ClientSeed = {}) {
  const id = uniqueId('client');
  const businessName = seed.businessName ?? `Business ${id}`;
  const number = seed.withNumber
    ? `+4477${Math.floor(Math.random() * 1e9)
        .toString()
        .padStart(9, '0')}`
    : null;
  const [{ incarnation }] = await t.sql<{ incarnation: string }>(
    `insert into client (id, business_name, onboarding_complete, ops_alerts_muted, payment_active,
      payment_gate_alerted_at, twilio_number)
     values (?, ?, ?, ?, ?, ?, ?) returning incarnation`,
    [
      id,
      businessName,
      seed.onboardingComplete ?? false,
      seed.opsAlertsMuted ?? false,
      seed.paymentActive ?? false,
      seed.paymentGateAlertedAt ?? null,
      number,
    ],
  );
  if (number)
    await t.sql(`insert into phone_number (phone_number, status, assigned_client_id) values (?, 'ASSIGNED', ?)`, [
      number,
      id,
    ]);
  if (seed.step !== null) {
    await t.sql(
      `insert into onboarding_state (id, client_id, current_step, last_progress_at, stuck_detected_at,
        stuck_severity, is_terminal) values (?, ?, ?, ?, ?, ?, ?)`,
      [
        `onb-${id}`,
        id,
        seed.step ?? 'S2_PROFILE',
        new Date(Date.now() - (seed.stalledHours ?? 0) * HOUR),
        seed.stuck ? new Date() : null,
        seed.stuck?.severity ?? null,
        seed.stuck?.terminal ?? false,
      ],
    );
  }
  for (let i = 0; i < (seed.records ?? 0); i++) {
    await t.sql(`insert into customer (id, client_id, name) values (?, ?, ?)`, [`${id}-cust-${i}`, id, `C${i}`]);
    await t.sql(
      `insert into booking (id, client_id, customer_name, starts_at, status) values (?, ?, ?, now(), 'CONFIRMED')`,
      [`${id}-book-${i}`, id, `C${i}`],
    );
    await t.sql(`insert into lead (id, client_id, name, source) values (?, ?, ?, 'web')`, [
      `${id}-lead-${i}`,
      id,
      `L${i}`,
    ]);
    await t.sql(`insert into client_user (id, client_id, email, role) values (?, ?, ?, 'owner')`, [
      `${id}-user-${i}`,
      id,
      `u${i}@x.test`,
    ]);
    await t.sql(`insert into conversation (id, client_id, channel, status) values (?, ?, 'sms', 'active')`, [
      `${id}-conv-${i}`,
      id,
    ]);
    for (const m of [0, 1]) {
      await t.sql(
        `insert into message (id, client_id, conversation_id, role, content) values (?, ?, ?, 'customer', 'hi')`,
        [`${id}-msg-${i}-${m}`, id, `${id}-conv-${i}`],
      );
    }
    await t.sql(
      `insert into alert_log (id, alert_type, alert_key, severity, resource_id, channel, resolved_at) values (?,
        'STUCK_CLIENT', ?, 'LOW', ?, 'ops_log', now())`,
      [`${id}-alert-${i}`, `k-${i}`, id],
    );
  }
  return { id, businessName, number, incarnation, deleteWorkflowId: clientDeleteWorkflowId(id, incarnation) };
}

/** Rows that belong to a client, per table: what a deletion must remove all of, or none of. */
export async function rowsOwnedBy(t: SqlContext, clientId: string) {
  const [row] = await t.sql<Record<string, number>>(
    `select
       (select count(*)::int from client where id = ?) as client,
       (select count(*)::int from onboarding_state where client_id = ?) as "onboardingStates",
       (select count(*)::int from message where client_id = ?) as messages,
       (select count(*)::int from customer where client_id = ?) as customers,
       (select count(*)::int from booking where client_id = ?) as bookings,
       (select count(*)::int from conversation where client_id = ?) as conversations,
       (select count(*)::int from lead where client_id = ?) as leads,
       (select count(*)::int from client_user where client_id = ?) as users,
       (select count(*)::int from alert_log where resource_id = ?) as "alertLogs",
       (select count(*)::int from phone_number where assigned_client_id = ?) as "assignedNumbers"`,
    Array(10).fill(clientId),
  );
  return row;
}

/** Empties every business table (audit events are append-only and stay). */
export async function resetData(t: TestContext): Promise<void> {
  await t.sql(
    `truncate message, conversation, customer, booking, lead, client_user, onboarding_state, phone_number, ` +
      `alert_log, client`,
  );
}
