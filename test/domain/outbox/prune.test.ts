// Finished outbox events and their deliveries are removed after the retention (30 days); an event with a delivery
// still pending stays, however old.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { pruneOutbox } from '../../../src/domain/outbox/prune.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';
import { until } from '../../support/until.js';
import { DAY_MS } from '../../support/clock.js';

async function deliveriesOf(h: Harness, endpointId: string) {
  return h.database.db.selectFrom('deliveries').select(['event_id', 'status']).where('endpoint_id', '=', endpointId).execute();
}

describeEachDialect('outbox retention', (h) => {
  it('removes finished events after 30 days and keeps those with a delivery pending', async () => {
    const { apiKey } = await h.newOrg();
    const headers = { 'x-api-key': apiKey };
    // Nothing answers on a documentation address: these deliveries stay pending (refused as special-purpose).
    const pending = (await h.request({ method: 'POST', url: '/api/v1/webhooks', headers, body: { url: 'https://192.0.2.10/x' } })).json();
    const finished = (await h.request({ method: 'POST', url: '/api/v1/webhooks', headers, body: { url: 'https://192.0.2.11/x' } })).json();
    await h.request({ method: 'POST', url: `/api/v1/webhooks/${pending.id}/test`, headers });
    await h.request({ method: 'POST', url: `/api/v1/webhooks/${finished.id}/test`, headers });
    await until(async () => (await deliveriesOf(h, finished.id))[0]?.status === 'pending', 'no delivery');
    await h.database.db.updateTable('deliveries').set({ status: 'delivered' }).where('endpoint_id', '=', finished.id).execute();
    try {
      assert.equal(await pruneOutbox(h.ctx), 0);
      h.clock.advance(31 * DAY_MS);
      const finishedEvent = (await deliveriesOf(h, finished.id))[0]!.event_id;
      const pendingEvent = (await deliveriesOf(h, pending.id))[0]!.event_id;
      assert.ok((await pruneOutbox(h.ctx)) >= 1);
      assert.deepEqual(await deliveriesOf(h, finished.id), []);
      const left = await h.database.db.selectFrom('outbox_events').select('id').where('id', 'in', [finishedEvent, pendingEvent]).execute();
      assert.deepEqual(left.map((e) => e.id), [pendingEvent]);
      assert.equal((await deliveriesOf(h, pending.id)).length, 1);
    } finally {
      h.clock.reset();
    }
  });
});
