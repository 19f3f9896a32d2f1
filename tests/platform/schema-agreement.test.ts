import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';

// The entities and the committed migrations describe the same columns: every
// entity property is a column of the table the migrations built, with a type of
// the same family and the same nullability, and every NOT NULL column without a
// default is mapped (or an ORM insert would fail). Indexes, checks, triggers and
// foreign keys live in the migrations only, on purpose, and are not compared.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

/** The PostgreSQL data types a property's declared column type may be stored as. */
function family(columnType: string): string[] {
  const c = columnType.toLowerCase();
  if (c.startsWith('varchar') || c.startsWith('character varying') || c === 'text')
    return ['text', 'character varying'];
  if (c.startsWith('timestamptz') || c.includes('with time zone')) return ['timestamp with time zone'];
  if (c === 'boolean' || c === 'bool') return ['boolean'];
  if (c === 'int' || c === 'integer' || c === 'int4') return ['integer'];
  if (c === 'bigint' || c === 'int8' || c === 'bigserial') return ['bigint'];
  if (c === 'json' || c === 'jsonb') return ['jsonb', 'json'];
  if (c === 'uuid') return ['uuid'];
  return [c];
}

test('every entity property matches a column the migrations built, and every required column is mapped', async () => {
  const metadata = [...t.orm.getMetadata().getAll().values()];
  const problems: string[] = [];
  for (const meta of metadata) {
    const columns = new Map(
      (
        await t.sql<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
          `select column_name, data_type, is_nullable, column_default from information_schema.columns where
            table_schema = current_schema() and table_name = ?`,
          [meta.tableName],
        )
      ).map((c) => [c.column_name, c]),
    );
    if (!columns.size) {
      problems.push(`${meta.className}: table ${meta.tableName} does not exist`);
      continue;
    }
    const mapped = new Set<string>();
    for (const prop of meta.props) {
      for (const [i, field] of (prop.fieldNames ?? []).entries()) {
        mapped.add(field);
        const column = columns.get(field);
        if (!column) {
          problems.push(`${meta.className}.${prop.name}: no column ${meta.tableName}.${field}`);
          continue;
        }
        const allowed = family(prop.columnTypes?.[i] ?? String(prop.type));
        if (!allowed.includes(column.data_type))
          problems.push(
            `${meta.className}.${prop.name}: entity says ${prop.columnTypes?.[i]}, column is ${column.data_type}`,
          );
        const nullable = Boolean(prop.nullable);
        if (!prop.primary && nullable !== (column.is_nullable === 'YES')) {
          problems.push(
            `${meta.className}.${prop.name}: entity ${nullable ? 'nullable' : 'not null'}, column ` +
              `${column.is_nullable === 'YES' ? 'nullable' : 'not null'}`,
          );
        }
      }
    }
    for (const [name, c] of columns) {
      if (!mapped.has(name) && c.is_nullable === 'NO' && c.column_default === null)
        problems.push(`${meta.tableName}.${name}: required column that no property maps`);
    }
  }
  expect(metadata.length).toBeGreaterThan(10);
  expect(problems).toEqual([]);
});
