import { Migration } from '@mikro-orm/migrations';

/**
 * Support (spec 001): operator accounts and sessions, conversation fields the
 * admin list shows, and maintained totals so stats never scan the message table.
 */
export class Migration20261123030000_support extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table operator_account (
        id text primary key,
        username text not null unique,
        password_hash text not null,
        role text not null default 'operator',
        created_at timestamptz not null default now(),
        disabled_at timestamptz null
      );

      -- The cookie holds a random token; only its SHA-256 is stored.
      create table operator_session (
        token_hash text primary key,
        account_id text not null references operator_account (id) on delete cascade,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz null,
        ip text null,
        user_agent text null
      );
      create index operator_session_account_idx on operator_session (account_id);

      alter table conversation add column summary text null;
      alter table conversation add column message_count integer not null default 0;
      alter table conversation add column last_message text null;
      alter table conversation add column last_message_at timestamptz null;
      alter table conversation add column customer_token_hash text null;
      alter table conversation add constraint conversation_status_check check (status in ('active', 'killed'));
      create index conversation_updated_page_idx on conversation (updated_at desc, id desc);
      alter table message add column user_id text null;

      create table support_totals (
        id boolean primary key default true check (id),
        conversations bigint not null default 0,
        messages bigint not null default 0
      );
      insert into support_totals (conversations, messages)
        values ((select count(*) from conversation), (select count(*) from message));
      update conversation c set message_count = m.n, last_message_at = m.last_at,
             last_message = (select content from message where conversation_id = c.id order by created_at desc, id
               desc limit 1)
        from (select conversation_id, count(*) as n, max(created_at) as last_at from message group by 1) m
       where m.conversation_id = c.id;

      create function support_totals_rows() returns trigger language plpgsql as $$
      declare delta bigint;
      begin
        if tg_op = 'INSERT' then select count(*) into delta from new_rows;
        else select -count(*) into delta from old_rows; end if;
        if tg_table_name = 'conversation' then
          update support_totals set conversations = conversations + delta;
        else
          update support_totals set messages = messages + delta;
        end if;
        return null;
      end $$;
      create trigger conversation_totals_insert after insert on conversation referencing new table as new_rows
        for each statement execute function support_totals_rows();
      create trigger conversation_totals_delete after delete on conversation referencing old table as old_rows
        for each statement execute function support_totals_rows();
      create trigger message_totals_insert after insert on message referencing new table as new_rows
        for each statement execute function support_totals_rows();
      create trigger message_totals_delete after delete on message referencing old table as old_rows
        for each statement execute function support_totals_rows();

      -- Each conversation's count and last message follow its messages, whoever writes them.
      create function conversation_follow_messages() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          update conversation c
             set message_count = c.message_count + d.n,
                 last_message = case when c.last_message_at is null or d.last_at >= c.last_message_at then
                   d.last_content else c.last_message end,
                 last_message_at = greatest(c.last_message_at, d.last_at),
                 updated_at = greatest(c.updated_at, d.last_at)
            from (select conversation_id, count(*) as n, max(created_at) as last_at,
                         (array_agg(content order by created_at desc, id desc))[1] as last_content
                    from new_rows group by conversation_id) d
           where c.id = d.conversation_id;
        else
          update conversation c set message_count = greatest(0, c.message_count - d.n)
            from (select conversation_id, count(*) as n from old_rows group by conversation_id) d
           where c.id = d.conversation_id;
        end if;
        return null;
      end $$;
      create trigger message_follow_insert after insert on message referencing new table as new_rows
        for each statement execute function conversation_follow_messages();
      create trigger message_follow_delete after delete on message referencing old table as old_rows
        for each statement execute function conversation_follow_messages();

      create function support_totals_truncate() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'conversation' then update support_totals set conversations = 0;
        else update support_totals set messages = 0; end if;
        return null;
      end $$;
      create trigger conversation_totals_truncate after truncate on conversation for each statement execute
        function support_totals_truncate();
      create trigger message_totals_truncate after truncate on message for each statement execute function
        support_totals_truncate();
    `);
  }
}
