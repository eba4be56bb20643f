// Bounded work per request (issue 23, item 1): every list a request can grow is capped, over-long ones are refused
// in the surface's own error format before anything is looked up, and PostgreSQL connections carry a statement
// timeout. The time a request may take is measured by the benchmark (bench/event-loop-stall.ts), not here.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeDialect, describeEachDialect } from '../support/harness.js';

const MAX = 1000;
const emails = (n: number) => Array.from({ length: n }, (_, i) => `owner-${i}@example.com`);
const identifiers = (n: number) => Array.from({ length: n }, (_, i) => `dev-${i}`);

describeEachDialect('ext-v1 lists are capped at 1000 items', (h) => {
  /** The harness app on a real port (opened once), for what inject cannot send: headers without their body. */
  async function listening(): Promise<number> {
    const address = h.app.server.address();
    if (address && typeof address === 'object') return address.port;
    return Number(new URL(await h.app.listen({ port: 0, host: '127.0.0.1' })).port);
  }

  /**
   * What the app answers, on a raw connection, to `head` and whatever `body` then writes (the request may never end),
   * once the answer's JSON body has arrived. A write the server cut short by answering is no error.
   */
  async function rawAnswer(head: string, body: (socket: Socket) => void = () => undefined): Promise<string> {
    const port = await listening();
    return new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n') && text.includes('}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => (text ? resolve(text) : reject(new Error('closed without an answer'))));
      socket.write(head);
      body(socket);
    });
  }

  async function refused(path: string, apiKey: string, body: unknown, field: string) {
    const res = await h.extPost(path, apiKey, body);
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(res.json(), { error: `Too many ${field}. Maximum ${MAX} per request`, requestId: res.headers['x-request-id'] });
  }

  it('refuses 1001 customerEmails of assignDeviceToOwners, duplicates counted, and writes nothing', async () => {
    const org = await h.newOrg();
    const path = '/deviceAssignment/assignDeviceToOwners';
    await refused(path, org.apiKey, { deviceIdentifier: 'd1', customerEmails: emails(MAX + 1), autoCreateDevice: true, deviceType: 't' }, 'customerEmails');
    await refused(path, org.apiKey, { deviceIdentifier: 'd1', customerEmails: Array(MAX + 1).fill('a@example.com') }, 'customerEmails');
    const customers = await h.database.db.selectFrom('customers').select('id').where('organization_id', '=', org.organizationId).execute();
    assert.equal(customers.length, 0);
  });

  it('accepts exactly 1000 entries (they collapse as before)', async () => {
    const org = await h.newOrg();
    const res = await h.extPost('/deviceAssignment/assignDeviceToOwners', org.apiKey, {
      deviceIdentifier: 'd1',
      customerEmails: Array(MAX).fill('a@example.com'),
      autoCreateDevice: true,
      deviceType: 't',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().assignedCustomers.length, 1);
  });

  it('refuses 1001 deviceIdentifiers on assignDevicesToOwner and unassignDevicesFromOwner', async () => {
    const org = await h.newOrg();
    const body = { customerEmail: 'c@example.com', deviceIdentifiers: identifiers(MAX + 1) };
    await refused('/deviceAssignment/assignDevicesToOwner', org.apiKey, body, 'deviceIdentifiers');
    await refused('/deviceAssignment/unassignDevicesFromOwner', org.apiKey, body, 'deviceIdentifiers');
  });

  it('refuses a ticket with 1001 messages', async () => {
    const org = await h.newOrg();
    const messages = Array.from({ length: MAX + 1 }, () => ({ role: 'customer', content: 'x' }));
    await refused('/ticket/createTicket', org.apiKey, { title: 'T', customerEmail: 'c@example.com', messages }, 'messages');
  });

  it('refuses 1001 bulk-metadata devices, integer-like keys too', async () => {
    const org = await h.newOrg();
    const devices = Object.fromEntries(Array.from({ length: MAX + 1 }, (_, i) => [String(100000 + i), { a: 1 }]));
    await refused('/device/bulk-metadata', org.apiKey, { devices }, 'devices');
  });

  it('answers 413 to a declared body over the limit without waiting for it', async () => {
    const org = await h.newOrg();
    // Headers only: the 20 MiB body is never sent, so an answer proves the length was checked before reading.
    const answer = await rawAnswer(
      `POST /api/ext-v1/device/bulk-metadata HTTP/1.1\r\nHost: x\r\nx-api-key: ${org.apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /"error":"Payload too large"/);
  });

  it('answers 413 to a chunked body as soon as it streams past the limit, before it ends', async () => {
    const org = await h.newOrg();
    const answer = await rawAnswer(
      `POST /api/ext-v1/customer/queryCustomer HTTP/1.1\r\nHost: x\r\nx-api-key: ${org.apiKey}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      (socket) => {
        // 1.5 MiB in 64 KiB chunks, and never the last chunk: only a server that counts as it reads can answer.
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 24; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      },
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /"error":"Payload too large"/);
  });
});

describeDialect('postgres', 'PostgreSQL statement timeout', (h) => {
  it('sets the configured statement timeout on every pooled connection', async () => {
    const shown = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(h.database.db);
    assert.equal(shown.rows[0]!.statement_timeout, '1500ms');
    await assert.rejects(sql`select pg_sleep(5)`.execute(h.database.db), (error: { code?: string }) => error.code === '57014');
  });
}, { env: { TELEMAP_PG_STATEMENT_TIMEOUT_MS: '1500' } });

describeDialect('postgres', 'PostgreSQL statement timeout default', (h) => {
  it('is 30 seconds unless configured', async () => {
    const shown = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(h.database.db);
    assert.equal(shown.rows[0]!.statement_timeout, '30s');
  });
});
