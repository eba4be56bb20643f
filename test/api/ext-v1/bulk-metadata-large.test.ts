// bulk-metadata bodies over 1 MiB are read in a worker thread, smaller ones on the event loop
// (src/api/ext-v1/devices/bulk-metadata.ts). Both must answer alike: each refusal is sent once small and once padded
// past 1 MiB, and the answers compared with the contract's strings.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect } from '../../support/harness.js';

const MiB = 1024 * 1024;
/** Past the size read on the event loop. */
const PAD = 'p'.repeat(MiB + 1024);

describeEachDialect('ext-v1 bulk-metadata, large bodies', (h) => {
  async function bulk(apiKey: string, text: string) {
    const res = await h.extPost('/device/bulk-metadata', apiKey, text);
    return { status: res.statusCode, body: res.json() as Record<string, unknown>, requestId: res.headers['x-request-id'] };
  }

  async function storedMetadata(organizationId: string, identifier: string): Promise<unknown> {
    const row = await h.database.db
      .selectFrom('devices')
      .select('metadata')
      .where('organization_id', '=', organizationId)
      .where('identifier', '=', identifier)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.metadata);
  }

  it('accepts 1000 devices in 10 MiB, answering in input order, integer-like identifiers included', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    // Integer-like identifiers among the others, in descending order: JSON.parse would list them first, ascending.
    const identifiers = Array.from({ length: 1000 }, (_, i) => (i % 3 === 1 ? String(900000 - i) : `SN-${i}`));
    const existing = [identifiers[0]!, identifiers[1]!, identifiers[500]!, identifiers[997]!, identifiers[999]!];
    const deviceIds = new Map<string, string>();
    for (const identifier of existing) {
      const created = await h.extPost('/device', apiKey, { identifier, type: 'meter' });
      assert.equal(created.statusCode, 200, created.body);
      deviceIds.set(identifier, created.json().deviceId);
    }
    const value = 'v'.repeat(10 * 1024 - 200);
    const devices = Object.fromEntries(identifiers.map((identifier, i) => [identifier, { n: i, '2': 'two', blob: value }]));
    const text = `{"devices": {${identifiers.map((identifier) => `${JSON.stringify(identifier)}: ${JSON.stringify(devices[identifier])}`).join(', ')}}}`;
    const bytes = Buffer.byteLength(text);
    assert.ok(bytes > 9.5 * MiB && bytes <= 10 * MiB, `the body is ${bytes} bytes`);

    const res = await bulk(apiKey, text);
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    assert.deepEqual(res.body, {
      success: true,
      updated: existing.length,
      notFound: 1000 - existing.length,
      results: identifiers.map((identifier) => {
        const deviceId = deviceIds.get(identifier);
        return deviceId === undefined
          ? { identifier, deviceId: '', status: 'not_found' }
          : { identifier, deviceId, status: 'updated' };
      }),
    });
    for (const identifier of existing) {
      assert.deepEqual(await storedMetadata(organizationId, identifier), devices[identifier]);
    }
  });

  /** Each case: the body small, and the same body padded past 1 MiB; both must get `expected`. */
  const refusals: Array<{ name: string; small: string; large: string; expected: string }> = [
    {
      name: 'text that is not JSON',
      small: '{"devices": {"A": {}',
      large: `{"pad": "${PAD}", "devices": {"A": {}`,
      expected: 'Invalid JSON payload',
    },
    { name: 'a blank body', small: '   ', large: ' '.repeat(PAD.length), expected: 'Invalid JSON payload' },
    { name: 'a body that is no object', small: '["A"]', large: `["${PAD}"]`, expected: 'Invalid JSON payload' },
    {
      name: 'no devices',
      small: '{"device": {"A": {}}}',
      large: `{"pad": "${PAD}", "device": {"A": {}}}`,
      expected: 'devices is required and must be an object mapping identifiers to metadata',
    },
    {
      name: 'devices as an array',
      small: '{"devices": [{"A": {}}]}',
      large: `{"pad": "${PAD}", "devices": [{"A": {}}]}`,
      expected: 'devices is required and must be an object mapping identifiers to metadata',
    },
    {
      name: 'no entries',
      small: '{"devices": {}}',
      large: `{"pad": "${PAD}", "devices": {}}`,
      expected: 'devices must contain at least one entry',
    },
    {
      name: '1001 entries, integer-like keys among them',
      small: JSON.stringify({ devices: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [String(100000 + i), {}])) }),
      large: JSON.stringify({
        devices: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [i % 2 ? String(100000 + i) : `SN-${i}`, { pad: 'p'.repeat(1100) }])),
      }),
      expected: 'Too many devices. Maximum 1000 per request',
    },
    {
      name: 'metadata that is no object, after valid entries',
      small: '{"devices": {"A": {"ok": 1}, " B ": [1, 2]}}',
      large: `{"devices": {"A": {"pad": "${PAD}"}, " B ": [1, 2]}}`,
      expected: 'Invalid metadata for device "B": must be a JSON object',
    },
    {
      name: 'metadata nested 33 levels deep',
      small: `{"devices": {"A": ${'{"a":'.repeat(32)}{}${'}'.repeat(32)}}}`,
      large: `{"pad": "${PAD}", "devices": {"A": ${'{"a":'.repeat(32)}{}${'}'.repeat(32)}}}`,
      expected: 'Invalid metadata for device "A": nested more than 32 levels deep',
    },
  ];

  it('refuses bad bodies over 1 MiB exactly as it refuses small ones, and writes nothing', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    assert.equal((await h.extPost('/device', apiKey, { identifier: 'A', type: 'meter', properties: { before: 1 } })).statusCode, 200);
    for (const { name, small, large, expected } of refusals) {
      assert.ok(Buffer.byteLength(small) < MiB && Buffer.byteLength(large) > MiB, name);
      for (const text of [small, large]) {
        const res = await bulk(apiKey, text);
        assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body, { error: expected, requestId: res.requestId }, name);
      }
    }
    assert.deepEqual(await storedMetadata(organizationId, 'A'), { before: 1 });
  });

  it('answers one large request after another, and small ones in between', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    assert.equal((await h.extPost('/device', apiKey, { identifier: 'A', type: 'meter' })).statusCode, 200);
    // More at once than the route handles (two): the others wait their turn, and each is answered whole.
    const sent = Array.from({ length: 5 }, (_, round) => ({ round, pad: round % 2 ? 'x' : PAD }));
    const answers = await Promise.all(sent.map((metadata) => bulk(apiKey, JSON.stringify({ devices: { A: metadata } }))));
    assert.deepEqual(
      answers.map((answer) => [answer.status, answer.body.updated]),
      sent.map(() => [200, 1]),
    );
    const stored = (await storedMetadata(organizationId, 'A')) as { round: number };
    assert.deepEqual(stored, sent[stored.round]);
  });
});
