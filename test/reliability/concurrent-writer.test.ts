// Another process (the CLI, a second server on the same SQLite file) commits while the server runs transactions
// that read and then write. Each request must wait for the other process's lock, never fail because of it
// (db/sqlite/immediate-dialect.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { describeEachDialect } from '../support/harness.js';

const WRITER = fileURLToPath(new URL('../support/writer-process.ts', import.meta.url));
const WRITER_MILLISECONDS = 2500;

describeEachDialect('transactions beside another process that writes', (h) => {
  it('creates every ticket, each with its new customer, while another process commits as fast as it can', async () => {
    const { apiKey } = await h.newOrg();
    const writer = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(h.target), String(WRITER_MILLISECONDS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    writer.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(writer, 'exit');
    while (!output.includes('started') && writer.exitCode === null) await new Promise((r) => setTimeout(r, 10));

    const unexpected: Array<{ status: number; body: string }> = [];
    let created = 0;
    // createTicket with a new email reads the customer, then inserts the customer and the ticket: the read-then-write
    // transaction that another process's commit used to break.
    while (writer.exitCode === null) {
      const res = await h.extPost('/ticket/createTicket', apiKey, { title: 'Offline', customerEmail: `c${created}@example.com` });
      if (res.statusCode === 200 && res.json().message === 'Ticket created successfully') created++;
      else unexpected.push({ status: res.statusCode, body: res.body });
      await new Promise((r) => setImmediate(r));
    }
    const [code] = await exited;
    assert.equal(code, 0);
    const { committed } = JSON.parse(output.trim().split('\n').pop()!) as { committed: number };
    assert.ok(committed > 50, `the other process committed ${committed} writes`);
    assert.ok(created > 20, `${created} tickets created`);
    assert.deepEqual(unexpected.slice(0, 3), []);
  });
});
