// The security cases every ext-v1 endpoint must pass, shared by every endpoint's tests: no key, malformed keys,
// a revoked key, and another organization's key, which must find another organization's record exactly as it
// finds a missing one (same status, same body but for the request id).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createApiKey, revokeApiKey } from '../../src/domain/api-keys/service.js';
import type { ExtEndpoint } from './ext-v1-endpoints.js';
import { isServed } from './ext-v1-endpoints.js';
import type { Harness } from './harness.js';

export interface ExtRequest {
  method: 'GET' | 'POST';
  /** Path under /api/ext-v1. */
  path: string;
  body?: unknown;
}

export interface ForeignCase {
  /** A request aimed at a record of the owner organization; it is sent with another organization's key. */
  request: ExtRequest;
  /** Asserts, with the owner's key, that the owner's record is as it was. */
  unchanged?: () => Promise<void>;
}

const UNAUTHORIZED = 'Invalid or missing API key';

/** Keys that must never authenticate, whatever the request. */
export function malformedKeys(valid: string): string[] {
  return [
    '',
    ' ',
    'nope',
    'tlm_',
    'tlm_short',
    valid.slice(0, -1),
    valid + 'x',
    valid.toUpperCase(),
    `Bearer ${valid}`,
    'tlm_' + 'a'.repeat(500),
    'tlm_' + '\u00e9'.repeat(40),
    "tlm_' OR '1'='1' --" + 'x'.repeat(30),
  ];
}

export function send(h: Harness, request: ExtRequest, headers: Record<string, string | string[]>) {
  return h.request({
    method: request.method,
    url: `/api/ext-v1${request.path}`,
    headers: headers as Record<string, string>,
    ...(request.method === 'POST' ? { body: request.body ?? {} } : {}),
  });
}

function assertUnauthorized(res: LightMyRequestResponse, label: string): void {
  assert.equal(res.statusCode, 401, `${label}: ${res.body}`);
  assert.deepEqual(res.json(), { error: UNAUTHORIZED, requestId: res.headers['x-request-id'] }, label);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The answer as a client compares it: without the request id, and with generated ids blanked. */
function comparable(res: LightMyRequestResponse): unknown {
  const { requestId: _id, ...rest } = res.json() as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest).replace(UUID, '<uuid>'));
}

/**
 * Registers the security tests of one endpoint; call inside a describeEachDialect body. An endpoint the app does
 * not serve yet is skipped, by name.
 */
export function securityMatrix(h: Harness, endpoint: ExtEndpoint): void {
  const test = (title: string, body: () => Promise<void>) =>
    it(`${endpoint.name}: ${title}`, async (t) => {
      if (!isServed(h, endpoint)) return t.skip(`${endpoint.method} ${endpoint.route} is not served yet`);
      await body();
    });

  test('401 without a key, before reading the body', async () => {
    const request = await endpoint.valid(h, await h.newOrg());
    assertUnauthorized(await send(h, request, {}), 'no key');
    assertUnauthorized(await send(h, { ...request, body: '{not json' }, {}), 'no key, bad JSON');
  });

  test('401 for malformed keys', async () => {
    const org = await h.newOrg();
    const request = await endpoint.valid(h, org);
    for (const key of malformedKeys(org.apiKey)) {
      assertUnauthorized(await send(h, request, { 'x-api-key': key }), `key ${JSON.stringify(key.slice(0, 60))}`);
    }
    assertUnauthorized(await send(h, request, { 'x-api-key': [org.apiKey, org.apiKey] }), 'key header sent twice');
    assertUnauthorized(await send(h, request, { authorization: `Bearer ${org.apiKey}` }), 'key in Authorization');
  });

  test("401 for a revoked key, while the organization's other key still works", async () => {
    const org = await h.newOrg();
    const second = await createApiKey(h.ctx, org.organizationId, 'to revoke');
    const first = await send(h, await endpoint.valid(h, org), { 'x-api-key': second.apiKey });
    assert.equal(first.statusCode, 200, first.body);
    await revokeApiKey(h.ctx, second.keyId);
    const request = await endpoint.valid(h, org);
    assertUnauthorized(await send(h, request, { 'x-api-key': second.apiKey }), 'revoked key');
    assertUnauthorized(await send(h, { ...request, body: '{not json' }, { 'x-api-key': second.apiKey }), 'revoked, bad JSON');
    const other = await send(h, request, { 'x-api-key': org.apiKey });
    assert.equal(other.statusCode, 200, other.body);
  });

  if (endpoint.foreign) {
    const foreignCase = endpoint.foreign;
    test("another organization's record answers exactly like a missing one", async () => {
      const owner = await h.newOrg('Owner');
      const { request, unchanged } = await foreignCase(h, owner);
      // The same request from an organization that has the record, and from one that has nothing at all.
      const foreign = await send(h, request, { 'x-api-key': (await h.newOrg('Other')).apiKey });
      const missing = await send(h, request, { 'x-api-key': (await h.newOrg('Empty')).apiKey });
      assert.ok(foreign.statusCode < 500, foreign.body);
      assert.equal(foreign.statusCode, missing.statusCode, `foreign ${foreign.body} / missing ${missing.body}`);
      assert.deepEqual(comparable(foreign), comparable(missing));
      await unchanged?.();
    });
  }
}
