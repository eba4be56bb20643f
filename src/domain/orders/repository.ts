import type { Db } from '../../db/connect.js';
import type { OrdersTable } from '../../db/schema.js';
import type { Insertable } from 'kysely';

/** Links an order identifier to a customer unless already linked (INSERT … ON CONFLICT DO NOTHING). */
export async function insertOrderIfAbsent(db: Db, row: Insertable<OrdersTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('orders')
    .values(row)
    .onConflict((oc) => oc.columns(['customer_id', 'order_identifier']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
