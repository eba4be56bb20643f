// A covering index for the list every customer read shows: the customer's current devices, oldest link first
// (customers/repository.ts, `currentDeviceList`). Through the (customer_id, position) index alone, each read
// also fetched the assignment's row to check its organization and that it is current, and to get its device:
// one more page per request. This index holds all of that for current links only, so the rows are never read.
// On a million customers it was worth 5-14% more getCustomer requests per second (docs/performance/experiments.md); on a small
// database every page is cached anyway. The older indexes stay: (customer_id, position) keeps positions unique
// across a customer's whole history.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('assignments_current_of_customer')
    .on('assignments')
    .columns(['customer_id', 'position', 'organization_id', 'device_id', 'unassigned_at'])
    .where(sql.ref('unassigned_at'), 'is', null)
    .execute();
}
