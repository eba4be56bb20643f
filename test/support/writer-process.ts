// A second process that commits small writes to the test's database as fast as it can, the way the CLI or
// another server would share it. Run: node --import tsx writer-process.ts '<DatabaseTarget JSON>' <milliseconds>.
// Prints "started" once it writes, then {"committed": n} when the time is up.
import { connectDatabase } from '../../src/db/connect.js';
import type { DatabaseTarget } from '../../src/config.js';
import { systemClock } from '../../src/clock.js';
import { newId } from '../../src/domain/ids.js';
import { createOrganizationWithKey } from '../../src/domain/orgs/service.js';

const target = JSON.parse(process.argv[2]!) as DatabaseTarget;
const milliseconds = Number(process.argv[3]);
const database = connectDatabase(target, { poolSize: 1, checkpointThread: false });
const { organizationId } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Other process' });
const until = Date.now() + milliseconds;
let committed = 0;
console.log('started');
while (Date.now() < until) {
  const now = new Date().toISOString();
  await database.db
    .insertInto('customers')
    .values({ id: newId(), organization_id: organizationId, email: `writer${committed}@example.com`, name: 'Writer', metadata: '{}', created_at: now, updated_at: now })
    .execute();
  committed++;
}
await database.close();
console.log(JSON.stringify({ committed }));
