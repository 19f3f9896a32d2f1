import { Migration } from '@mikro-orm/migrations';

/** One operator identity: keys may expire; roles of accounts and keys are a closed set. */
export class Migration20261201020000_operator_identity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table operator_api_key add column expires_at timestamptz null;
      alter table operator_api_key add constraint operator_api_key_role_check check (role in ('viewer', 'operator',
        'admin'));
      alter table operator_account add constraint operator_account_role_check check (role in ('viewer', 'operator',
        'admin'));
    `);
  }
}
