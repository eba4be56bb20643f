// `telemap mcp --org …` as an assistant runs it: the real CLI (compiled, bin/telemap.js) spawned by the SDK's
// StdioClientTransport, against the test database. stdout must carry nothing but the protocol.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runTelemap } from '../../support/cli.js';
import { describeEachDialect } from '../../support/harness.js';
import { callFails, callOk, connectClient, makeWorld, READ_ONLY_TOOLS, WRITE_TOOLS } from '../../support/mcp.js';

const CLI_BIN = fileURLToPath(new URL('../../../bin/telemap.js', import.meta.url));

describeEachDialect('telemap mcp (stdio)', (h) => {
  function stdioTransport(organizationId: string): StdioClientTransport {
    return new StdioClientTransport({
      command: process.execPath,
      args: [CLI_BIN, 'mcp', '--org', organizationId],
      env: { ...(process.env as Record<string, string>), DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'silent' },
      stderr: 'pipe',
    });
  }

  it('serves the same tools for the organization named, and only for it', async () => {
    const org = await h.newOrg();
    const world = await makeWorld(h, org);
    const other = await h.newOrg();
    const otherWorld = await makeWorld(h, other);
    const transport = stdioTransport(org.organizationId);
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = await connectClient(transport);
    try {
      assert.equal(client.getServerVersion()?.name, 'telemap');
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_ONLY_TOOLS, ...WRITE_TOOLS].sort());

      const found = await callOk(client, 'search_customers', {});
      assert.deepEqual(found.data.map((c: { id: string }) => c.id), [world.customer.id]);
      const device = await callOk(client, 'get_device', { identifier: world.device.identifier });
      assert.deepEqual(device.owners.map((o: { customerId: string }) => o.customerId), [world.customer.id]);
      const created = await callOk(client, 'create_ticket', { title: 'From the terminal', customerId: world.customer.id, priority: 'low' });
      assert.equal(created.ticket.channel, 'api');
      const reply = await callOk(client, 'add_ticket_reply', { id: world.ticketId, content: 'On it.' });
      assert.equal(reply.message.role, 'agent');
      const ticket = await callOk(client, 'get_ticket', { id: world.ticketId });
      assert.deepEqual(ticket.messages.map((m: { role: string }) => m.role), ['customer', 'agent']);
      assert.deepEqual(ticket.messages[1].author, { type: 'system', id: null, name: 'telemap mcp' });

      assert.deepEqual((await callOk(client, 'list_alerts', { status: 'open' })).data, []);
      const telemetry = await callOk(client, 'get_telemetry', { deviceIdentifier: world.device.identifier });
      assert.deepEqual(telemetry.data, {});

      await callFails(client, 'get_device', { identifier: otherWorld.device.identifier });
      await callFails(client, 'get_ticket', { id: otherWorld.ticketId });
      await callFails(client, 'get_customer', { email: otherWorld.customer.email });
    } finally {
      await client.close();
    }
    assert.match(stderr, /serving organization/);
    // What the CLI made is in the database the server reads.
    const stored = await h.database.db.selectFrom('tickets').select('title').where('organization_id', '=', org.organizationId).execute();
    assert.ok(stored.some((t) => t.title === 'From the terminal'));
  });

  it('refuses an unknown or missing organization in one line on stderr, with nothing on stdout', async () => {
    for (const args of [['mcp', '--org', randomUUID()], ['mcp', '--org', 'nope'], ['mcp']]) {
      const result = await runTelemap(args, h.databaseUrl);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^telemap: (organization not found|--org is required)/);
    }
  });
});
