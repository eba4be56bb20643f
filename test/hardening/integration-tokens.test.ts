// Integration tokens (issue 23, item 10): DELETE /v2/integrations/token revokes the presented token, and an
// organization holds at most MAX_LIVE_INTEGRATION_TOKENS live ones, the oldest revoked first.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { MAX_LIVE_INTEGRATION_TOKENS } from '../../src/domain/integration-tokens/service.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

const ADMIN_TOKEN = 'admin-token-for-integration-token-tests';
const UNAUTHORIZED = 'Unauthorized. Check the entity id and secret.';

function assertEnvelope(res: LightMyRequestResponse, code: number, data: unknown, error = '') {
  assert.equal(res.statusCode, code, res.body);
  assert.deepEqual(res.json(), { RequestId: res.headers.requestid, Status: code === 200 ? 'Success' : 'Failed', Code: code, Error: error, Data: data });
}

async function organization(h: Harness) {
  const created = await h.request({
    method: 'POST',
    url: '/v2/integrations/customer',
    headers: { authorization: ADMIN_TOKEN },
    body: { CustomerName: 'Tokens', Email: `tokens-${randomUUID()}@example.com` },
  });
  assert.equal(created.statusCode, 200, created.body);
  const { CustomerID, CustomerSecret } = created.json().Data as { CustomerID: string; CustomerSecret: string };
  const mint = async () => {
    const res = await h.request({ method: 'POST', url: '/v2/integrations/token', body: { Id: CustomerID, Secret: CustomerSecret, Entity: 'customer' } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().Data as string;
  };
  const whoAmI = (token: string) => h.request({ method: 'GET', url: '/v2/integrations/customer', headers: { authorization: token } });
  const revoke = (token?: string) =>
    h.request({ method: 'DELETE', url: '/v2/integrations/token', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { organizationId: CustomerID, mint, whoAmI, revoke };
}

describeEachDialect(
  'integration tokens',
  (h) => {
    it('DELETE /v2/integrations/token revokes the presented token, and only it', async () => {
      const org = await organization(h);
      const first = await org.mint();
      const second = await org.mint();
      assertEnvelope(await org.revoke(first), 200, 'Revoked Successfully');
      assertEnvelope(await org.whoAmI(first), 401, null, UNAUTHORIZED);
      assert.equal((await org.whoAmI(second)).statusCode, 200);
      assertEnvelope(await org.revoke(first), 401, null, UNAUTHORIZED);
      assertEnvelope(await org.revoke(), 401, null, UNAUTHORIZED);
      // The token also stops working on /api/v1 at once.
      const v1 = await h.request({ method: 'GET', url: '/api/v1/customers', headers: { authorization: `Bearer ${first}` } });
      assert.equal(v1.statusCode, 401);
    });

    it(`keeps at most ${MAX_LIVE_INTEGRATION_TOKENS} live tokens per organization, revoking the oldest first`, async () => {
      const org = await organization(h);
      const other = await organization(h);
      const untouched = await other.mint();
      const tokens: string[] = [];
      for (let i = 0; i < MAX_LIVE_INTEGRATION_TOKENS + 2; i++) {
        tokens.push(await org.mint());
        // Distinct creation times, so that "oldest" is well defined.
        h.clock.advance(1000);
      }
      assertEnvelope(await org.whoAmI(tokens[0]!), 401, null, UNAUTHORIZED);
      assertEnvelope(await org.whoAmI(tokens[1]!), 401, null, UNAUTHORIZED);
      for (const token of tokens.slice(2)) assert.equal((await org.whoAmI(token)).statusCode, 200);
      const rows = await h.database.db.selectFrom('integration_tokens').select('id').where('organization_id', '=', org.organizationId).execute();
      assert.equal(rows.length, MAX_LIVE_INTEGRATION_TOKENS);
      assert.equal((await other.whoAmI(untouched)).statusCode, 200, "another organization's token is not counted");
    });
  },
  { env: { TELEMAP_ADMIN_TOKEN: ADMIN_TOKEN } },
);
