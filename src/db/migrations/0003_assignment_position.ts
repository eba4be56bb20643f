// Orders a customer's device links explicitly. `assigned_at` is a wall-clock time with millisecond precision:
// several links made by one request (or by requests in the same millisecond) share it, and a clock can step back.
// `position` numbers the links of one customer in the order they were made (1, 2, 3 ...), history included, so
// "oldest first" is a total, stable order. Writers take the customer's row lock before numbering (see
// src/domain/assignments/service.ts); the unique index turns any mistake there into an error, never a tie.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('assignments')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Number existing links per customer by (assigned_at, id), the order the application used before.
  await sql`
    update assignments set position = (
      select count(*) from assignments earlier
      where earlier.customer_id = assignments.customer_id
        and (earlier.assigned_at < assignments.assigned_at
             or (earlier.assigned_at = assignments.assigned_at and earlier.id <= assignments.id))
    )`.execute(db);
  await db.schema
    .createIndex('assignments_customer_position')
    .on('assignments')
    .columns(['customer_id', 'position'])
    .unique()
    .execute();
}
