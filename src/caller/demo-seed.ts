import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Demo data for `./ops start`: clients active and inactive, call histories
 * across statuses, outcomes and sentiments. Idempotent (fixed ids). The demo
 * clients' secrets are unknown to anyone: reset one to sign in as it.
 */
export async function seedCallerDemo(em: EntityManager): Promise<void> {
  const [done] = (await em.execute(`select 1 from caller_client where id = 'cl_demo_0'`)) as unknown[];
  if (done) return;
  const unusable = createHash('sha256').update(`demo-${Date.now()}-${Math.random()}`).digest('hex');
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into caller_client (id, status, agent_id, twilio_phone_number, full_name, email, phone, business_name,
         city, job_title, notes, secret_hash, created_at)
       select 'cl_demo_' || i, case when i % 4 = 3 then 'Inactive' else 'Active' end, 'agent_demo_' || (i % 3),
              '+1800555' || lpad((1000 + i)::text, 4, '0'),
              (array['John Doe','Maria Garcia','Wei Chen','Aisha Khan','Tom Brown','Lena Novak'])[1 + i % 6],
              'client' || i || '@example.com', '+1212555' || lpad((2000 + i)::text, 4, '0'),
              (array['Acme Corp','Globex','Initech','Umbrella'])[1 + i % 4],
                (array['New York','Boston','Austin'])[1 + i % 3],
              'CEO', case when i = 0 then 'Prefers morning calls' end, ?, now() - ((12 - i) * interval '1 day')
         from generate_series(0, 11) i on conflict do nothing`,
      [unusable],
    );
    await tx.execute(
      `insert into caller_call (id, client_id, call_sid, request_id, phone, from_number, agent_id, start_time, end_time,
         duration, status, outcome, summary, sentiment, next_action, created_at)
       select 'call_demo_' || c || '_' || k, 'cl_demo_' || c, 'CA' || md5('demo' || c || '_' || k), 'req_demo_'
         || c || '_' || k,
              '+1646555' || lpad((k * 13 % 10000)::text, 4, '0'), '+1800555' || lpad((1000 + c)::text, 4, '0'),
              'agent_demo_' || (c % 3), now() - ((k * 7 + c) * interval '1 hour'),
              case when k % 5 < 3 then now() - ((k * 7 + c) * interval '1 hour') + interval '5 minutes' end,
              case when k % 5 < 3 then 60 + (k * 37) % 600 end,
              (array['completed','completed','completed','no-answer','failed'])[1 + k % 5],
              (array['interested','not-interested','callback','unavailable','unknown'])[1 + (k + c) % 5],
              case when k % 5 < 3 then 'Discussed the premium plan' end,
              (array['positive','neutral','negative','unknown'])[1 + (k + c) % 4],
              case when (k + c) % 5 = 2 then 'schedule_follow_up' end,
              now() - ((k * 7 + c) * interval '1 hour')
         from generate_series(0, 11) c, generate_series(1, 15) k on conflict do nothing`,
    );
  });
}
