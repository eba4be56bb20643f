// Closing the app lets a delivery attempt in flight finish (within the drain bound), and records its outcome, so a
// graceful stop neither loses an answer nor leaves the attempt to be made again (support loop §6.1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { connectDatabase } from '../../../src/db/connect.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { createOrganizationWithKey } from '../../../src/domain/orgs/service.js';
import { systemClock } from '../../../src/clock.js';
import { scratchDatabase } from '../../support/harness.js';
import { postgresUnavailableReason } from '../../support/postgres.js';
import { until } from '../../support/until.js';
import { startReceiver } from '../../support/webhook-receiver.js';

const postgresSkip = await postgresUnavailableReason();

for (const dialect of ['sqlite', 'postgres'] as const) {
  // One app on the database, so that only its worker can take the delivery.
  describe(`outbox worker on shutdown [${dialect}]`, { skip: dialect === 'postgres' && postgresSkip ? postgresSkip : false }, () => {
    it('waits for an attempt in flight, then records it as delivered', async () => {
      const scratch = await scratchDatabase(dialect);
      const database = connectDatabase(scratch.target, { poolSize: 2 });
      const receiver = await startReceiver();
      try {
        await migrateToLatest(database);
        const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' });
        const app = await buildApp({ config, database, logger: false, outbox: { pollIntervalMs: 20 } });
        await app.ready();
        const { firstKey } = await createOrganizationWithKey({ database, clock: systemClock }, { name: 'Shutdown' });
        const headers = { 'x-api-key': firstKey.apiKey };
        const made = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: { url: `${receiver.url}/slow` } });
        const { id } = made.json() as { id: string };
        receiver.answer = () => ({ status: 200, delayMs: 1000 });
        await app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/test`, headers });
        await until(() => receiver.open === 1, 'attempt not in flight');
        await app.close();
        const row = await database.db.selectFrom('deliveries').select(['status', 'response_status', 'attempt']).where('endpoint_id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual(row, { status: 'delivered', response_status: 200, attempt: 1 });
      } finally {
        await receiver.close();
        await database.close();
        await scratch.drop();
      }
    });
  });
}
