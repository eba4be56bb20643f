// Seeds a benchmark database straight through Kysely, in batches: one organization with an API key, N customers
// each owning one device (an active assignment). Far faster than going through HTTP, and the same schema, since
// the database is migrated by the program's own migrations first.
import { sql, type Insertable } from 'kysely';
import type { Database } from '../src/db/connect.js';
import type { AssignmentsTable, DevicesTable, NewCustomer } from '../src/db/schema.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemClock } from '../src/clock.js';
import { newId } from '../src/domain/ids.js';
import { createOrganizationWithKey } from '../src/domain/orgs/service.js';

export interface SeededCustomer {
  index: number;
  id: string;
  email: string;
  device: string;
}

export interface Seeded {
  apiKey: string;
  organizationId: string;
  /** A spread-out sample of the customers (at most `sampleSize`), to vary the requests. */
  sample: SeededCustomer[];
  count: number;
}

const BATCH = 1000;

export const emailOf = (i: number) => `customer${i}@bench.example`;
export const deviceOf = (i: number) => `SN-${String(i).padStart(8, '0')}`;

export async function seed(
  database: Database,
  count: number,
  sampleSize = 2000,
  progress: (done: number) => void = () => undefined,
): Promise<Seeded> {
  await migrateToLatest(database);
  // A large page cache for this connection only: random UUID keys otherwise make every batch page through the
  // indexes once they outgrow SQLite's 2 MB default.
  if (database.dialect.name === 'sqlite') await sql`pragma cache_size = -524288`.execute(database.db);
  const ctx = { database, clock: systemClock };
  const { organizationId, firstKey } = await createOrganizationWithKey(ctx, { name: 'Bench' });
  const now = new Date().toISOString();
  const step = Math.max(1, Math.floor(count / sampleSize));
  const sample: SeededCustomer[] = [];

  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH);
    const customers: NewCustomer[] = [];
    const devices: Insertable<DevicesTable>[] = [];
    const assignments: Insertable<AssignmentsTable>[] = [];
    for (let i = start; i < end; i++) {
      const customerId = newId();
      const deviceId = newId();
      customers.push({
        id: customerId,
        organization_id: organizationId,
        email: emailOf(i),
        name: `Customer ${i}`,
        phone: '+15550000000',
        address: `${i} Main St`,
        metadata: JSON.stringify({ tier: i % 2 ? 'gold' : 'silver' }),
        created_at: now,
        updated_at: now,
      });
      devices.push({
        id: deviceId,
        organization_id: organizationId,
        identifier: deviceOf(i),
        type: 'sensor',
        metadata: '{}',
        created_at: now,
        updated_at: now,
      });
      assignments.push({ id: newId(), organization_id: organizationId, device_id: deviceId, customer_id: customerId, assigned_at: now, unassigned_at: null, position: 1 });
      if (i % step === 0 && sample.length < sampleSize) sample.push({ index: i, id: customerId, email: emailOf(i), device: deviceOf(i) });
    }
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('customers').values(customers).execute();
      await trx.insertInto('devices').values(devices).execute();
      await trx.insertInto('assignments').values(assignments).execute();
    });
    progress(end);
  }
  return { apiKey: firstKey.apiKey, organizationId, sample, count };
}
