import type { EntityManager } from '@mikro-orm/postgresql';

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

interface DemoClient {
  id: string;
  businessName: string;
  onboardingComplete: boolean;
  opsAlertsMuted: boolean;
  paymentActive: boolean;
  twilioNumber: string | null;
  step: string | null;
  stalledHours: number;
  stuck?: { severity: string; terminal: boolean };
  paymentGateAlerted?: boolean;
  records: number;
}

/** Clients in every state the cockpit distinguishes. */
const CLIENTS: DemoClient[] = [
  {
    id: 'default-client',
    businessName: 'Test Business',
    onboardingComplete: false,
    opsAlertsMuted: false,
    paymentActive: false,
    twilioNumber: '+447700900001',
    step: 'S9_TEST_CALL',
    stalledHours: 30,
    stuck: { severity: 'HIGH', terminal: false },
    records: 5,
  },
  {
    id: 'acme-plumbing',
    businessName: 'Acme Plumbing',
    onboardingComplete: true,
    opsAlertsMuted: false,
    paymentActive: true,
    twilioNumber: '+447700900002',
    step: 'DONE',
    stalledHours: 1,
    records: 8,
  },
  {
    id: 'brightsmile-dental',
    businessName: 'BrightSmile Dental',
    onboardingComplete: false,
    opsAlertsMuted: false,
    paymentActive: false,
    twilioNumber: null,
    step: 'S6_PAYMENT',
    stalledHours: 5,
    paymentGateAlerted: true,
    records: 2,
  },
  {
    id: 'northside-gym',
    businessName: 'Northside Gym',
    onboardingComplete: false,
    opsAlertsMuted: true,
    paymentActive: false,
    twilioNumber: '+447700900003',
    step: 'S3_BUSINESS_HOURS',
    stalledHours: 200,
    stuck: { severity: 'CRITICAL', terminal: true },
    records: 3,
  },
  {
    id: 'river-cafe',
    businessName: 'River Cafe',
    onboardingComplete: false,
    opsAlertsMuted: false,
    paymentActive: true,
    twilioNumber: '+447700900004',
    step: 'S8_VOICE_SETUP',
    stalledHours: 2,
    records: 4,
  },
  {
    id: 'new-signup',
    businessName: 'New Signup Ltd',
    onboardingComplete: false,
    opsAlertsMuted: false,
    paymentActive: false,
    twilioNumber: null,
    step: null,
    stalledHours: 0,
    records: 0,
  },
];

const POOL = ['+447700900001', '+447700900002', '+447700900003', '+447700900004', '+447700900010', '+447700900011'];

/** Idempotent demo data: fixed ids, upserts, so every start leaves the same picture. */
export async function seedCockpitDemo(em: EntityManager): Promise<void> {
  const conn = em.getConnection();
  for (const c of CLIENTS) {
    await conn.execute(
      `insert into client (id, business_name, email, onboarding_complete, ops_alerts_muted, payment_active,
        payment_gate_alerted_at, twilio_number, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
      [
        c.id,
        c.businessName,
        `owner@${c.id}.example`,
        c.onboardingComplete,
        c.opsAlertsMuted,
        c.paymentActive,
        c.paymentGateAlerted ? ago(2 * HOUR) : null,
        c.twilioNumber,
        ago(c.stalledHours * HOUR + 48 * HOUR),
      ],
    );
    if (c.step) {
      await conn.execute(
        `insert into onboarding_state (id, client_id, current_step, last_progress_at, stuck_detected_at,
          stuck_severity, is_terminal)
         values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
        [
          `onb-${c.id}`,
          c.id,
          c.step,
          ago(c.stalledHours * HOUR),
          c.stuck ? ago(HOUR) : null,
          c.stuck?.severity ?? null,
          c.stuck?.terminal ?? false,
        ],
      );
    }
    for (let i = 1; i <= c.records; i++) {
      const conv = `conv-${c.id}-${i}`;
      await conn.execute(
        `insert into customer (id, client_id, name, phone) values (?, ?, ?, ?) on conflict (id) do nothing`,
        [`cust-${c.id}-${i}`, c.id, `Customer ${i}`, `+4477009${String(i).padStart(5, '0')}`],
      );
      await conn.execute(
        `insert into booking (id, client_id, customer_name, starts_at, status) values (?, ?, ?, ?, 'CONFIRMED') on
          conflict (id) do nothing`,
        [`book-${c.id}-${i}`, c.id, `Customer ${i}`, ago(-i * 24 * HOUR)],
      );
      await conn.execute(
        `insert into lead (id, client_id, name, source) values (?, ?, ?, 'web') on conflict (id) do nothing`,
        [`lead-${c.id}-${i}`, c.id, `Lead ${i}`],
      );
      const channel = ['web', 'sms', 'email', 'whatsapp'][i % 4];
      await conn.execute(
        `insert into conversation (id, client_id, customer_name, channel, status, summary) values (?, ?, ?, ?, ?,
          ?) on conflict (id) do nothing`,
        [
          conv,
          c.id,
          `Customer ${i}`,
          channel,
          i === 3 ? 'killed' : 'active',
          i === 1 ? 'Customer asked to book a Friday slot; confirmed 10am.' : null,
        ],
      );
      for (let m = 1; m <= 3; m++) {
        await conn.execute(
          `insert into message (id, client_id, conversation_id, role, content) values (?, ?, ?, ?, ?) on conflict
            (id) do nothing`,
          [
            `msg-${conv}-${m}`,
            c.id,
            conv,
            m % 2 ? 'user' : 'assistant',
            m % 2 ? 'Can I book for Friday?' : 'Yes, 10am is free.',
          ],
        );
      }
    }
  }
  for (const n of POOL) {
    const owner = CLIENTS.find((c) => c.twilioNumber === n);
    await conn.execute(
      `insert into phone_number (phone_number, status, assigned_client_id) values (?, ?, ?) on conflict
        (phone_number) do nothing`,
      [n, owner ? 'ASSIGNED' : 'AVAILABLE', owner?.id ?? null],
    );
  }
  const alerts: [string, string, string, string, string][] = [
    ['demo-alert-1', 'STUCK_CLIENT', 'stuck_S9_TEST_CALL_default-client', 'HIGH', 'default-client'],
    ['demo-alert-2', 'PAYMENT_BLOCK', 'payment_block_brightsmile-dental', 'HIGH', 'brightsmile-dental'],
    ['demo-alert-3', 'POOL_EMPTY', 'pool_empty', 'CRITICAL', 'twilio-number-pool'],
    ['demo-alert-4', 'STUCK_CLIENT', 'stuck_S3_BUSINESS_HOURS_northside-gym', 'CRITICAL', 'northside-gym'],
  ];
  for (const [id, type, key, severity, resource] of alerts) {
    // The demo POOL_EMPTY alert is historical (resolved): the pool has numbers now.
    const resolved = type === 'POOL_EMPTY' ? ago(20 * HOUR) : null;
    await conn.execute(
      `insert into alert_log (id, created_at, alert_type, alert_key, severity, resource_id, delivered_at, channel,
        metadata, resolved_at)
       values (?, ?, ?, ?, ?, ?, ?, 'ops_log', ?, ?) on conflict do nothing`,
      [id, ago(24 * HOUR), type, key, severity, resource, ago(24 * HOUR), JSON.stringify({ demo: true }), resolved],
    );
  }
}
