// `telemap device token`: the operator issues a device's token; the token works on POST /api/v1/telemetry, and
// issuing again ends the previous one. Runs the built CLI (npm run build first).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { seedDevice } from '../../support/dashboard.js';
import { runTelemap } from '../../support/cli.js';
import { unique } from '../../support/ext-v1-endpoints.js';
import { describeEachDialect } from '../../support/harness.js';
import { assertError, postTelemetry } from './support.js';

describeEachDialect('telemap device token', (h) => {
  it('--json prints {deviceId, token}; the token works, and a new one ends it', async () => {
    const org = await h.newOrg();
    const identifier = unique('SN');
    const deviceId = await seedDevice(h, org.organizationId, identifier);
    const first = await runTelemap(['device', 'token', '--org', org.organizationId, '--device', identifier, '--json'], h.databaseUrl);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const issued = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(issued).sort(), ['deviceId', 'token']);
    assert.equal(issued.deviceId, deviceId);
    assert.match(issued.token, /^tlmd_[A-Za-z0-9_-]{32,}$/);
    assert.equal((await postTelemetry(h, issued.token, { a: 1 })).statusCode, 202);

    const second = await runTelemap(['device', 'token', '--org', org.organizationId, '--device', identifier], h.databaseUrl);
    assert.equal(second.code, 0, second.stderr);
    const token = /(tlmd_\S+)/.exec(second.stdout)?.[1];
    assert.ok(token, second.stdout);
    assertError(await postTelemetry(h, issued.token, { a: 2 }), 401, 'unauthorized');
    assert.equal((await postTelemetry(h, token, { a: 3 })).statusCode, 202);
  });

  it('fails in one line on an unknown organization or device and on missing arguments', async () => {
    const org = await h.newOrg();
    for (const args of [
      ['device', 'token', '--org', randomUUID(), '--device', 'x'],
      ['device', 'token', '--org', org.organizationId, '--device', 'no-such-device'],
      ['device', 'token', '--org', org.organizationId],
      ['device', 'token', '--device', 'x'],
    ]) {
      const result = await runTelemap(args, h.databaseUrl);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^telemap: /);
    }
  });
});
