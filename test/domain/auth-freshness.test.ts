// Authentication may reuse a key it has already looked up (on SQLite, domain/api-keys/key-cache.ts). These tests
// change keys and organizations behind the server's back, from a second database connection as the CLI or another
// server would, and from inside the server, and require the very next request to see the change.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { describeEachDialect } from '../support/harness.js';

const QUERY = '/customer/queryCustomer';
const body = { email: 'nobody@example.com' };

describeEachDialect('authentication sees key and organization changes at once', (h) => {
  let other: Database;
  before(() => {
    other = connectDatabase(h.target);
  });
  after(() => other.close());

  const status = async (apiKey: string) => (await h.extPost(QUERY, apiKey, body)).statusCode;
  /** Uses the key twice, so that a copy of it is surely held (the first use also records when it was used). */
  const warm = async (apiKey: string) => {
    assert.equal(await status(apiKey), 404);
    assert.equal(await status(apiKey), 404);
  };

  it('a key revoked from another connection is refused on the next request, and accepted again once restored', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await warm(apiKey);
    await other.db.updateTable('api_keys').set({ revoked_at: '2000-01-01T00:00:00.000Z' }).where('organization_id', '=', organizationId).execute();
    const refused = await h.extPost(QUERY, apiKey, body);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error, 'Invalid or missing API key');

    await other.db.updateTable('api_keys').set({ revoked_at: null }).where('organization_id', '=', organizationId).execute();
    assert.equal(await status(apiKey), 404);
  });

  it("an organization deleted from another connection loses access on the next request", async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await warm(apiKey);
    await other.db.updateTable('organizations').set({ deleted_at: h.clock.now().toISOString() }).where('id', '=', organizationId).execute();
    assert.equal(await status(apiKey), 401);
  });

  it('a key whose grace period ends is refused without any write, by the clock alone', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const end = new Date(h.clock.now().getTime() + 60_000).toISOString();
    await other.db.updateTable('api_keys').set({ revoked_at: end }).where('organization_id', '=', organizationId).execute();
    await warm(apiKey);
    h.clock.advance(61_000);
    assert.equal(await status(apiKey), 401);
  });

  it('a key revoked through the server itself is refused on the next request', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await warm(apiKey);
    await h.database.db.updateTable('api_keys').set({ revoked_at: '2000-01-01T00:00:00.000Z' }).where('organization_id', '=', organizationId).execute();
    assert.equal(await status(apiKey), 401);
  });

  it('a key revoked while its lookup is in flight is not remembered as valid', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    await warm(apiKey);
    // Start requests and the revocation together: whatever each request answered, the one after must be refused.
    const inFlight = Array.from({ length: 10 }, () => status(apiKey));
    await other.db.updateTable('api_keys').set({ revoked_at: '2000-01-01T00:00:00.000Z' }).where('organization_id', '=', organizationId).execute();
    await Promise.all(inFlight);
    assert.equal(await status(apiKey), 401);
  });
});
