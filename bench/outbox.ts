// `node --import tsx bench/outbox.ts [--db sqlite|postgres] [--events N] [--idle N] [--separate-pool]`: the outbox
// worker's delivery rate to a local receiver, and the lag from an event's commit to its first attempt, measured two
// ways:
//   - queued: N events committed back to back (one transaction each), then drained; lag includes the queue;
//   - idle: events committed one at a time, each after the previous was received (the worker's wake-up alone).
// The server runs in this process (an app built as in tests, without HTTP traffic); the receiver is a bare
// node:http server on loopback answering 200 at once. The events commit through the server's own request pool, as
// requests would (the worker has connections of its own, Database.background), unless --separate-pool gives them
// yet another pool (PostgreSQL).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { inTransaction } from '../src/db/transaction.js';
import { recordEvent } from '../src/domain/outbox/events.js';
import { createOrganizationWithKey } from '../src/domain/orgs/service.js';
import { createWebhook } from '../src/domain/webhooks/service.js';
import { systemClock } from '../src/clock.js';
import { scratchDatabase } from './scratch-database.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    events: { type: 'string', default: '1000' },
    idle: { type: 'string', default: '100' },
    'separate-pool': { type: 'boolean', default: false },
  },
});
const dialect = values.db === 'postgres' ? 'postgres' : 'sqlite';
const EVENTS = Number(values.events);
const IDLE_EVENTS = Number(values.idle);
// SQLite has one writer per file: a second connection would only wait for the server's.
if (values['separate-pool'] && dialect !== 'postgres') throw new Error('--separate-pool is for --db postgres');

const received = new Map<string, number>();
let onReceive: (() => void) | undefined;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const id = String(request.headers['webhook-id']);
    if (!received.has(id)) received.set(id, performance.now());
    response.writeHead(200).end();
    onReceive?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as AddressInfo).port;

const scratch = await scratchDatabase(dialect, 'outbox');
const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', TELEMAP_WEBHOOK_ALLOW_PRIVATE: 'true' });
const database = connectDatabase(config.database);
await migrateToLatest(database);
const ctx = { database, clock: systemClock };
const app = await buildApp({ config, database, logger: false });
await app.ready();
const { organizationId } = await createOrganizationWithKey(ctx, { name: 'Outbox bench' });
await createWebhook(ctx, organizationId, { url: `http://127.0.0.1:${port}/bench` });

const committer = values['separate-pool'] ? connectDatabase(config.database) : database;
async function commitEvent(i: number): Promise<{ id: string; committedAt: number }> {
  const id = await inTransaction(committer, (trx) =>
    recordEvent(trx, { organizationId, type: 'ticket.created', data: { id: `bench-${i}`, title: 'Bench' }, createdAt: new Date().toISOString() }),
  );
  return { id, committedAt: performance.now() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function waitFor(ids: string[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ids.every((id) => received.has(id))) {
        onReceive = undefined;
        resolve();
      }
    };
    onReceive = check;
    check();
  });
}

// Queued: N commits back to back (concurrently, as many requests would), then the drain.
const cpuBefore = process.cpuUsage();
const started = performance.now();
const committed = await Promise.all(Array.from({ length: EVENTS }, (_, i) => commitEvent(i)));
const allCommitted = performance.now();
await waitFor(committed.map((c) => c.id));
const drained = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const queuedLags = committed.map((c) => received.get(c.id)! - c.committedAt).sort((a, b) => a - b);
const firstAttempt = Math.min(...committed.map((c) => received.get(c.id)!));

// Idle: one event at a time.
const idleLags: number[] = [];
for (let i = 0; i < IDLE_EVENTS; i++) {
  const event = await commitEvent(EVENTS + i);
  await waitFor([event.id]);
  idleLags.push(received.get(event.id)! - event.committedAt);
}
idleLags.sort((a, b) => a - b);

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`outbox bench [${dialect}${values['separate-pool'] ? ', commits on a pool of their own' : ''}]`);
console.log(`  ${EVENTS} events committed in ${fmt(allCommitted - started)}, all delivered ${fmt(drained - started)} after the first commit`);
console.log(`  delivery rate: ${((EVENTS / (drained - started)) * 1000).toFixed(0)} deliveries/s`);
console.log(`  first attempt ${fmt(firstAttempt - started)} after the first commit; last attempt ${fmt(drained - allCommitted)} after the last commit`);
console.log(`  queued commit→first attempt: p50 ${fmt(percentile(queuedLags, 50))}, p99 ${fmt(percentile(queuedLags, 99))}, max ${fmt(queuedLags.at(-1)!)}`);
// CPU time of this process (commits, worker, receiver), steadier than wall time on a loaded machine.
console.log(`  process CPU while queued: ${(((cpu.user + cpu.system) / 1000 / EVENTS) * 1000).toFixed(0)} µs per event`);
if (IDLE_EVENTS > 0) {
  console.log(`  idle commit→first attempt (${IDLE_EVENTS} events): p50 ${fmt(percentile(idleLags, 50))}, p99 ${fmt(percentile(idleLags, 99))}`);
}

await app.close();
if (committer !== database) await committer.close();
await database.close();
await scratch.drop();
receiver.close();
