// Rule state lives in the database: a process that starts after another judged half of a forSeconds window opens
// the alert on time, and two server processes on one PostgreSQL database open one alert and one ticket for
// concurrent triggering readings split across them.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { buildApp } from '../../../src/app.js';
import { connectDatabase } from '../../../src/db/connect.js';
import { describeDialect, describeEachDialect } from '../../support/harness.js';
import { MovableClock } from '../../support/clock.js';
import { startServer, type ServerProcess } from '../../support/server-process.js';
import { until } from '../../support/until.js';
import { alertsOfDevice, createRule, deviceWithOwners, getJson, now, overheating, send } from './support.js';

describeEachDialect('rule state across processes', (h) => {
  it('opens a forSeconds alert on time in a process started after the window began', async () => {
    const fleet = await deviceWithOwners(h, 1);
    await createRule(h, fleet.org, overheating({}, { forSeconds: 30 }));
    await send(h, fleet, [now(h), { temperature: 80 }]);
    assert.equal((await alertsOfDevice(h, fleet)).length, 0);

    // Another process (its own connection, its own sweep), whose clock is past the window; the first one's is not.
    const clock = new MovableClock();
    clock.advance(h.clock.now().getTime() - Date.now() + 31_000);
    const database = connectDatabase(h.config.database);
    const app = await buildApp({ config: h.config, database, clock, logger: false });
    await app.ready();
    try {
      await until(async () => (await alertsOfDevice(h, fleet, 'open')).length === 1, 'the second process did not open the alert within 5 s', 5000);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describeDialect('postgres', 'two server processes judging one device', (h) => {
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
  });

  it('open one alert and one ticket for 20 concurrent triggering readings'
    , async () => {
    servers.push(...(await Promise.all([0, 1].map(() => startServer({ DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'warn' })))));
    const fleet = await deviceWithOwners(h, 2);
    await createRule(h, fleet.org, overheating());
    const t = now(h) - 60_000;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${servers[i % 2]!.baseUrl}/api/v1/telemetry/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': fleet.org.apiKey },
          body: JSON.stringify({ [fleet.identifier]: { ts: t + i, values: { temperature: 80 + i } } }),
        }).then((res) => res.status),
      ),
    );
    assert.deepEqual(answers, Array(20).fill(202));
    const alerts = await alertsOfDevice(h, fleet);
    assert.equal(alerts.length, 1);
    assert.equal((await getJson(h, fleet.org, `/api/v1/tickets?deviceId=${fleet.deviceId}`)).data.length, 1);
  });
});

