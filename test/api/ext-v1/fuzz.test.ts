// Property-based fuzzing of every ext-v1 endpoint: bodies of wrong types, missing and extra fields, huge strings,
// deep nesting, unicode and NUL characters, non-JSON and non-object bodies, any content type. Whatever arrives, the
// answer is never a 5xx, always the surface's error format when refused, and a refused request leaves the
// organization's data exactly as it was.
//
// Bounded for CI: TELEMAP_FUZZ_RUNS (default 60) runs per property; TELEMAP_FUZZ_SEED replays a failing run
// (fast-check prints the seed and path of any counterexample).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { EXT_V1_ENDPOINTS, isServed, type ExtEndpoint } from '../../support/ext-v1-endpoints.js';
import { describeEachDialect, type Harness, type TestOrg } from '../../support/harness.js';

const NUM_RUNS = Number(process.env.TELEMAP_FUZZ_RUNS ?? 60);
const SEED = process.env.TELEMAP_FUZZ_SEED === undefined ? undefined : Number(process.env.TELEMAP_FUZZ_SEED);
const params = { numRuns: NUM_RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true };

/** The tables holding an organization's data (api_keys is left out: its last-use time moves on its own). */
const ORG_TABLES = ['customers', 'devices', 'assignments', 'orders', 'categories', 'tickets', 'ticket_messages'] as const;

/** A digest of every row the organization owns. */
async function fingerprint(h: Harness, organizationId: string): Promise<string> {
  const hash = createHash('sha256');
  for (const table of ORG_TABLES) {
    const rows = await h.database.db
      .selectFrom(table)
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('id')
      .execute();
    hash.update(table).update(JSON.stringify(rows));
  }
  return hash.digest('hex');
}

// ---- arbitraries ------------------------------------------------------------------------------------------------

const nested = (depth: number, array: boolean): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
};

const hugeString = fc
  .tuple(fc.constantFrom(10_000, 100_000, 600_000), fc.constantFrom('x', 'é', '\u{1F600}', '\u0000', ' ', '"'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b@example.com', '\ud800', 'x@y.z\u0000', 'Robert\'); DROP TABLE customers;--', '../../etc/passwd', '__proto__', 'constructor'),
);

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: weirdString, weight: 4 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), weight: 3 },
  { arbitrary: fc.array(fc.oneof(weirdString, fc.integer(), fc.constant(null)), { maxLength: 5 }), weight: 2 },
  { arbitrary: fc.dictionary(weirdString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), weight: 2 },
  { arbitrary: fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.boolean()).map(([d, a]) => nested(d, a)), weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);

/** A valid body taken apart: fields replaced by weird values, removed, and unknown fields added. */
function mutatedBody(template: Record<string, unknown>, fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const known = [...new Set([...fields, ...Object.keys(template)])];
  return fc
    .record({
      replace: fc.dictionary(known.length ? fc.constantFrom(...known) : fc.constant('x'), weirdValue, { maxKeys: 3 }),
      remove: fc.subarray(known),
      extra: fc.dictionary(weirdString, weirdValue, { maxKeys: 3 }),
    })
    .map(({ replace, remove, extra }) => {
      const body: Record<string, unknown> = { ...extra, ...template };
      for (const field of remove) delete body[field];
      for (const [field, value] of Object.entries(replace)) body[field] = value;
      return body;
    });
}

/** Raw payloads that are not a JSON object. */
const notAnObject: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.constantFrom('', ' ', 'null', '[]', '{', '{"email":', '{"a":1}}', '\u0000', '\ufeff{}', 'NaN', '{"__proto__": {"x": 1}}'),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
);

const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', undefined);

// ---- the properties ------------------------------------------------------------------------------------------------

function assertExtAnswer(res: LightMyRequestResponse, label: () => string): void {
  assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 500)} for ${label()}`);
  let body: unknown;
  try {
    body = res.json();
  } catch {
    assert.fail(`not JSON: ${res.body.slice(0, 200)} for ${label()}`);
  }
  if (res.statusCode >= 400) {
    assert.equal(typeof (body as { error?: unknown }).error, 'string', `no error string: ${res.body.slice(0, 300)}`);
    assert.equal((body as { requestId?: unknown }).requestId, res.headers['x-request-id']);
  }
}

async function sendRaw(h: Harness, org: TestOrg, endpoint: ExtEndpoint, path: string, payload: string, type: string | undefined) {
  const headers: Record<string, string> = { 'x-api-key': org.apiKey };
  if (type) headers['content-type'] = type;
  return h.request({ method: endpoint.method, url: `/api/ext-v1${path}`, headers, body: payload });
}

describeEachDialect('ext-v1 fuzzing', (h) => {
  it('answers the counterexamples fuzzing has found so far with a 400', async () => {
    const { apiKey } = await h.newOrg();
    // A NUL in the queried email reached PostgreSQL, which cannot compare such text: a 500.
    const res = await h.extPost('/customer/queryCustomer', apiKey, { email: 'a\u0000b@example.com' });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error, 'email must not contain NUL characters');
  });

  for (const endpoint of EXT_V1_ENDPOINTS) {
    it(`${endpoint.name}: any body gets a 2xx/4xx in the surface's format, and a refusal changes nothing`, async (t) => {
      if (!isServed(h, endpoint)) return t.skip(`${endpoint.method} ${endpoint.route} is not served yet`);
      const org = await h.newOrg('Fuzzed');
      const template = await endpoint.valid(h, org);
      let before = await fingerprint(h, org.organizationId);

      const check = async (path: string, payload: string, type: string | undefined, label: () => string) => {
        const res = await sendRaw(h, org, endpoint, path, payload, type);
        assertExtAnswer(res, label);
        const after = await fingerprint(h, org.organizationId);
        if (res.statusCode >= 400) assert.equal(after, before, `a ${res.statusCode} (${res.body.slice(0, 200)}) changed data for ${label()}`);
        before = after;
      };

      if (endpoint.method === 'GET') {
        // Path parameters instead of bodies.
        const base = template.path.slice(0, template.path.lastIndexOf('/') + 1);
        await fc.assert(
          fc.asyncProperty(fc.oneof(weirdString, hugeString.map((s) => s.slice(0, 5000))), async (param) => {
            await check(base + encodeURIComponent(param.replace(/[\ud800-\udfff]/gu, '\ufffd')), '', undefined, () => JSON.stringify(param).slice(0, 200));
          }),
          params,
        );
        return;
      }

      const templateBody = template.body as Record<string, unknown>;
      await fc.assert(
        fc.asyncProperty(mutatedBody(templateBody, endpoint.fields), contentType, async (body, type) => {
          await check(template.path, JSON.stringify(body), type, () => JSON.stringify(body).slice(0, 300));
        }),
        params,
      );
      await fc.assert(
        fc.asyncProperty(notAnObject, contentType, async (payload, type) => {
          await check(template.path, payload, type, () => JSON.stringify(payload.slice(0, 300)));
        }),
        { ...params, numRuns: Math.ceil(NUM_RUNS / 2) },
      );
    });
  }
});
