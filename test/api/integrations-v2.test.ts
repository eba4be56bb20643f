import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DAY_MS } from '../support/clock.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const UNAUTHORIZED = 'Unauthorized. Check the entity id and secret.';
const ADMIN_UNAUTHORIZED = 'Unauthorized. Send the platform admin token (TELEMAP_ADMIN_TOKEN) in the Authorization header.';

/** Asserts the failure envelope exactly, and that RequestId matches both headers. */
function assertFailure(res: LightMyRequestResponse, status: number, error: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /application\/json/);
  assert.equal(res.headers['requestid'], res.headers['x-request-id']);
  assert.deepEqual(res.json(), { RequestId: res.headers['x-request-id'], Status: 'Failed', Code: status, Error: error, Data: null });
}

function assertSuccess(res: LightMyRequestResponse): unknown {
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['requestid'], res.headers['x-request-id']);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['RequestId', 'Status', 'Code', 'Error', 'Data']);
  assert.equal(body.RequestId, res.headers['x-request-id']);
  assert.equal(body.Status, 'Success');
  assert.equal(body.Code, 200);
  assert.equal(body.Error, '');
  return body.Data;
}

const uniqueEmail = () => `ops-${randomUUID()}@acme.example`;

function v2(h: Harness, method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, authorization?: string, body?: unknown) {
  return h.request({
    method,
    url: `/v2/integrations${path}`,
    headers: authorization === undefined ? {} : { authorization },
    ...(body === undefined ? {} : { body }),
  });
}

interface Created {
  CustomerID: string;
  CustomerSecret: string;
  Email: string;
}

async function createOrg(h: Harness, email = uniqueEmail()): Promise<Created> {
  const res = await v2(h, 'POST', '/customer', ADMIN_TOKEN, { CustomerName: 'Acme Devices', Email: email });
  return assertSuccess(res) as Created;
}

async function tokenFor(h: Harness, org: Created): Promise<string> {
  const res = await v2(h, 'POST', '/token', undefined, { Id: org.CustomerID, Secret: org.CustomerSecret, Entity: 'customer' });
  return assertSuccess(res) as string;
}

describeEachDialect(
  '/v2/integrations',
  (h) => {
    it('creates an organization with the admin token, raw or Bearer, and shows the secret once', async () => {
      const email = uniqueEmail();
      const res = await v2(h, 'POST', '/customer', ADMIN_TOKEN, { CustomerName: '  Acme Devices ', Email: email.toUpperCase() });
      const data = assertSuccess(res) as Record<string, unknown>;
      assert.deepEqual(Object.keys(data), ['CustomerID', 'CustomerSecret', 'CustomerName', 'Email', 'CustomerSetting', 'CreatedAt', 'UpdatedAt', 'DeletedAt']);
      assert.match(String(data.CustomerID), /^[0-9a-f-]{36}$/);
      assert.match(String(data.CustomerSecret), /^tlms_[A-Za-z0-9_-]{40}$/);
      assert.equal(data.CustomerName, 'Acme Devices');
      assert.equal(data.Email, email);
      assert.equal(data.CustomerSetting, null);
      assert.match(String(data.CreatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(data.UpdatedAt, data.CreatedAt);
      assert.equal(data.DeletedAt, false);
      // Stored only as a hash.
      const row = await h.database.db.selectFrom('organizations').selectAll().where('id', '=', String(data.CustomerID)).executeTakeFirstOrThrow();
      assert.notEqual(row.secret_hash, data.CustomerSecret);
      assert.ok(!JSON.stringify(row).includes(String(data.CustomerSecret)));

      const bearer = await v2(h, 'POST', '/customer', `Bearer ${ADMIN_TOKEN}`, { CustomerName: 'B', Email: uniqueEmail() });
      assertSuccess(bearer);
    });

    it('refuses creation without the admin token or with a wrong one, before reading the body', async () => {
      for (const authorization of [undefined, '', 'wrong-admin-token-0123456789', `Bearer ${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1)]) {
        assertFailure(await v2(h, 'POST', '/customer', authorization, { CustomerName: 'X', Email: uniqueEmail() }), 401, ADMIN_UNAUTHORIZED);
      }
      assertFailure(await v2(h, 'POST', '/customer', undefined, '{not json'), 401, ADMIN_UNAUTHORIZED);
    });

    it('answers 400 naming the field for missing or invalid fields, and for bad JSON', async () => {
      const cases: Array<[unknown, string]> = [
        [{ Email: uniqueEmail() }, 'CustomerName is required'],
        [{ CustomerName: '', Email: uniqueEmail() }, 'CustomerName must not be empty'],
        [{ CustomerName: '   ', Email: uniqueEmail() }, 'CustomerName must not be empty'],
        [{ CustomerName: 42, Email: uniqueEmail() }, 'CustomerName must be a string'],
        [{ CustomerName: 'x'.repeat(256), Email: uniqueEmail() }, 'CustomerName must be at most 255 characters'],
        [{ CustomerName: 'Acme' }, 'Email is required'],
        [{ CustomerName: 'Acme', Email: 'not-an-email' }, 'Email must be a valid email address'],
        [{ CustomerName: 'Acme', Email: 7 }, 'Email must be a string'],
        ['{"CustomerName":', 'Invalid JSON payload'],
        ['[1,2]', 'Invalid JSON payload'],
        ['', 'Invalid JSON payload'],
      ];
      for (const [body, error] of cases) {
        assertFailure(await v2(h, 'POST', '/customer', ADMIN_TOKEN, body), 400, error);
      }
      assertSuccess(await v2(h, 'POST', '/customer', ADMIN_TOKEN, { CustomerName: 'x'.repeat(255), Email: uniqueEmail() }));
    });

    it('answers 409 for the email of a live organization, whatever its case; a deleted one frees it', async () => {
      const email = uniqueEmail();
      const first = await createOrg(h, email);
      assertFailure(
        await v2(h, 'POST', '/customer', ADMIN_TOKEN, { CustomerName: 'Again', Email: ` ${email.toUpperCase()} ` }),
        409,
        'An organization with this Email already exists',
      );
      const token = await tokenFor(h, first);
      assertSuccess(await v2(h, 'DELETE', '/customer', token));
      await createOrg(h, email);
    });

    it('lets exactly one of parallel creates with one email succeed', async () => {
      const email = uniqueEmail();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => v2(h, 'POST', '/customer', ADMIN_TOKEN, { CustomerName: 'Race', Email: email })),
      );
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409, 409, 409, 409]);
    });

    it('exchanges id and secret for tokens; several stay valid at once', async () => {
      const org = await createOrg(h);
      const first = await tokenFor(h, org);
      const second = await tokenFor(h, org);
      assert.match(first, /^tlmt_[A-Za-z0-9_-]{48}$/);
      assert.notEqual(first, second);
      for (const token of [first, second, `Bearer ${first}`]) {
        assertSuccess(await v2(h, 'GET', '/customer', token));
      }
      const rows = await h.database.db.selectFrom('integration_tokens').selectAll().where('organization_id', '=', org.CustomerID).execute();
      assert.equal(rows.length, 2);
      assert.ok(!JSON.stringify(rows).includes(first), 'tokens are stored only as hashes');
    });

    it('validates the token request', async () => {
      const org = await createOrg(h);
      const cases: Array<[unknown, string]> = [
        [{ Secret: org.CustomerSecret, Entity: 'customer' }, 'Id is required'],
        [{ Id: org.CustomerID, Entity: 'customer' }, 'Secret is required'],
        [{ Id: org.CustomerID, Secret: org.CustomerSecret }, 'Entity is required'],
        [{ Id: org.CustomerID, Secret: org.CustomerSecret, Entity: 'app' }, 'Unsupported entity'],
        ['{"Id":', 'Invalid JSON payload'],
      ];
      for (const [body, error] of cases) assertFailure(await v2(h, 'POST', '/token', undefined, body), 400, error);
    });

    it('gives the same 401 for a wrong secret and for an unknown id', async () => {
      const org = await createOrg(h);
      for (const body of [
        { Id: org.CustomerID, Secret: org.CustomerSecret + 'x', Entity: 'customer' },
        { Id: org.CustomerID, Secret: 'tlms_' + 'a'.repeat(40), Entity: 'customer' },
        { Id: randomUUID(), Secret: org.CustomerSecret, Entity: 'customer' },
        { Id: 'not-a-uuid', Secret: org.CustomerSecret, Entity: 'customer' },
      ]) {
        assertFailure(await v2(h, 'POST', '/token', undefined, body), 401, UNAUTHORIZED);
      }
    });

    it('refuses missing, unknown and expired tokens with the contract 401', async () => {
      const org = await createOrg(h);
      const token = await tokenFor(h, org);
      for (const authorization of [undefined, 'tlmt_' + 'x'.repeat(48), `Bearer nope`, org.CustomerSecret]) {
        assertFailure(await v2(h, 'GET', '/customer', authorization), 401, UNAUTHORIZED);
        assertFailure(await v2(h, 'DELETE', '/customer', authorization), 401, UNAUTHORIZED);
      }
      try {
        h.clock.advance(90 * DAY_MS - 60_000);
        assertSuccess(await v2(h, 'GET', '/customer', token));
        h.clock.advance(120_000);
        assertFailure(await v2(h, 'GET', '/customer', token), 401, UNAUTHORIZED);
        // A new token works again.
        assertSuccess(await v2(h, 'GET', '/customer', await tokenFor(h, org)));
      } finally {
        h.clock.reset();
      }
    });

    it('shows the calling organization with its secret masked', async () => {
      const org = await createOrg(h);
      const data = assertSuccess(await v2(h, 'GET', '/customer', await tokenFor(h, org))) as Record<string, unknown>;
      const secret = org.CustomerSecret;
      assert.equal(data.CustomerSecret, secret.slice(0, 4) + '*'.repeat(secret.length - 8) + secret.slice(-4));
      assert.equal(data.CustomerID, org.CustomerID);
      assert.equal(data.Email, org.Email);
      assert.equal(data.CustomerName, 'Acme Devices');
      assert.equal(data.DeletedAt, false);
      assert.equal(data.CustomerSetting, null);
    });

    it('deletes at once: tokens, new token requests and ext-v1 keys of the organization all get 401', async () => {
      const org = await createOrg(h);
      const token = await tokenFor(h, org);
      const other = await tokenFor(h, org);
      const key = await h.request({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${token}` }, body: {} });
      assert.equal(key.statusCode, 201, key.body);
      const apiKey = key.json().key as string;
      assert.equal((await h.extPost('/customer/queryCustomer', apiKey, { email: 'a@example.com' })).statusCode, 404);

      const deleted = await v2(h, 'DELETE', '/customer', token);
      assert.equal(assertSuccess(deleted), 'Deleted Successfully');

      for (const t of [token, other]) {
        assertFailure(await v2(h, 'GET', '/customer', t), 401, UNAUTHORIZED);
        assertFailure(await v2(h, 'DELETE', '/customer', t), 401, UNAUTHORIZED);
        assert.equal((await h.request({ method: 'GET', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${t}` } })).statusCode, 401);
      }
      assertFailure(
        await v2(h, 'POST', '/token', undefined, { Id: org.CustomerID, Secret: org.CustomerSecret, Entity: 'customer' }),
        401,
        UNAUTHORIZED,
      );
      const ext = await h.extPost('/customer/queryCustomer', apiKey, { email: 'a@example.com' });
      assert.equal(ext.statusCode, 401);
      assert.equal(ext.json().error, 'Invalid or missing API key');
    });

    it('answers unknown paths, wrong methods and oversized bodies in the envelope', async () => {
      assertFailure(await v2(h, 'GET', '/nothing'), 404, 'Not found');
      assertFailure(await v2(h, 'GET', '/token'), 405, 'Method not allowed');
      assertFailure(await v2(h, 'PUT', '/customer', ADMIN_TOKEN, {}), 405, 'Method not allowed');
      const big = { CustomerName: 'x'.repeat(2 * 1024 * 1024), Email: uniqueEmail() };
      assertFailure(await v2(h, 'POST', '/customer', ADMIN_TOKEN, big), 413, 'Payload too large');
    });

    it('reads JSON whatever the content type and keeps a client request id', async () => {
      const res = await h.request({
        method: 'POST',
        url: '/v2/integrations/customer',
        headers: { authorization: ADMIN_TOKEN, 'content-type': 'text/plain', 'x-request-id': 'client-id-1' },
        body: JSON.stringify({ CustomerName: 'Plain', Email: uniqueEmail() }),
      });
      assertSuccess(res);
      assert.equal(res.json().RequestId, 'client-id-1');
      assert.equal(res.headers['requestid'], 'client-id-1');
    });

    it('describes the four endpoints in OpenAPI', async () => {
      const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
      assert.ok(doc.paths['/v2/integrations/customer'].post);
      assert.ok(doc.paths['/v2/integrations/customer'].get);
      assert.ok(doc.paths['/v2/integrations/customer'].delete);
      assert.ok(doc.paths['/v2/integrations/token'].post);
    });
  },
  { env: { TELEMAP_ADMIN_TOKEN: ADMIN_TOKEN } },
);

const DISABLED =
  'Organization provisioning is not enabled on this server: the operator must set TELEMAP_ADMIN_TOKEN ' +
  '(and callers send it in the Authorization header), or set TELEMAP_OPEN_SIGNUP=true.';

describeEachDialect('/v2/integrations without an admin token', (h) => {
  it('refuses creation with a message telling the operator what to configure', async () => {
    for (const authorization of [undefined, ADMIN_TOKEN, `Bearer ${ADMIN_TOKEN}`]) {
      assertFailure(await v2(h, 'POST', '/customer', authorization, { CustomerName: 'X', Email: uniqueEmail() }), 401, DISABLED);
    }
  });
});

describeEachDialect(
  '/v2/integrations with open sign-up',
  (h) => {
    it('creates an organization without any Authorization header', async () => {
      assertSuccess(await v2(h, 'POST', '/customer', undefined, { CustomerName: 'Open', Email: uniqueEmail() }));
      assertFailure(await v2(h, 'POST', '/customer', undefined, { CustomerName: 'Open' }), 400, 'Email is required');
    });
  },
  { env: { TELEMAP_OPEN_SIGNUP: 'true' } },
);
