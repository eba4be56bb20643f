// Without TELEMAP_WEBHOOK_ALLOW_PRIVATE, a webhook never reaches loopback or private addresses, however its URL
// names them: an IP literal, `localhost`, or a name that resolves there (support loop §6.2).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isPrivateAddress } from '../../../src/domain/webhooks/address-guard.js';
import { describeEachDialect } from '../../support/harness.js';
import { until } from '../../support/until.js';
import { apiV1Org } from '../../support/webhook-api.js';
import { receiverForSuite, startReceiver } from '../../support/webhook-receiver.js';

it('classifies special-purpose addresses as private', () => {
  for (const address of [
    '127.0.0.1',
    '10.0.0.8',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'fe80::1',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
  ]) {
    assert.equal(isPrivateAddress(address), true, address);
  }
  for (const address of ['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::200e']) {
    assert.equal(isPrivateAddress(address), false, address);
  }
});

describeEachDialect(
  'webhooks to private addresses (not allowed)',
  (h) => {
    const receiver = receiverForSuite();

    for (const host of ['127.0.0.1', 'localhost', 'sneaky.telemap.test', 'mixed.telemap.test', '[::1]']) {
      it(`refuses ${host} at delivery time and sends nothing`, async () => {
        const o = await apiV1Org(h);
        const made = await o.call('POST', '/webhooks', { url: `http://${host}:${receiver.port}/private` });
        assert.equal(made.statusCode, 201);
        const { id } = made.json();
        await o.call('POST', `/webhooks/${id}/test`);
        await until(async () => (await o.call('GET', `/webhooks/${id}/deliveries`)).json().data[0]?.attempt === 1, 'no attempt recorded');
        await until(async () => (await o.call('GET', `/webhooks/${id}/deliveries`)).json().data[0]?.error !== null, 'no error recorded');
        const [delivery] = (await o.call('GET', `/webhooks/${id}/deliveries`)).json().data;
        assert.equal(delivery.status, 'pending');
        assert.equal(delivery.responseStatus, null);
        assert.match(delivery.error, /private or special-purpose address/);
        assert.equal(receiver.received.length, 0);
      });
    }
  },
  {
    outbox: {
      pollIntervalMs: 50,
      // A name a tenant controls can resolve anywhere; one of two addresses private is enough to refuse.
      resolve: async (hostname) => {
        if (hostname === 'sneaky.telemap.test' || hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
        if (hostname === 'mixed.telemap.test') {
          return [
            { address: '93.184.215.14', family: 4 },
            { address: '127.0.0.1', family: 4 },
          ];
        }
        return [];
      },
    },
  },
);

describeEachDialect('webhooks to localhost with the system resolver (not allowed)', (h) => {
  it('refuses localhost as the system resolves it', async () => {
    const receiver = await startReceiver();
    try {
      const o = await apiV1Org(h);
      const { id } = (await o.call('POST', '/webhooks', { url: `http://localhost:${receiver.port}/x` })).json();
      await o.call('POST', `/webhooks/${id}/test`);
      await until(async () => (await o.call('GET', `/webhooks/${id}/deliveries`)).json().data[0]?.error != null, 'no error recorded');
      assert.match((await o.call('GET', `/webhooks/${id}/deliveries`)).json().data[0].error, /resolves to (127\.0\.0\.1|::1)/);
      assert.equal(receiver.received.length, 0);
    } finally {
      await receiver.close();
    }
  });
});
