// The OpenAPI document (/openapi.json) and the interactive reference (/docs): every request body has an example
// the endpoint accepts, closed lists are enums (so "Try it out" offers each value), and the page is Telemap's.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { REQUEST_EXAMPLES } from '../../src/api/openapi-examples.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../src/domain/tickets/model.js';
import { describeEachDialect } from '../support/harness.js';

const ADMIN_TOKEN = 'openapi-test-admin-token';

interface Operation {
  requestBody?: { content: Record<string, { schema: Record<string, unknown>; examples?: Record<string, { value: unknown }>; example?: unknown }> };
  parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }>;
}

describeEachDialect(
  'OpenAPI reference',
  (h) => {
    const documentPaths = async () => (await h.request({ method: 'GET', url: '/openapi.json' })).json().paths as Record<string, Record<string, Operation>>;
    const exampleOf = (operation: Operation): unknown => {
      const media = operation.requestBody!.content['application/json']!;
      return media.example ?? Object.values(media.examples ?? {})[0]?.value;
    };

    it('gives every request body an example, the one of openapi-examples.ts', async () => {
      const paths = await documentPaths();
      let bodies = 0;
      for (const [path, operations] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (!operation.requestBody) continue;
          bodies++;
          const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
          assert.deepEqual(exampleOf(operation), REQUEST_EXAMPLES[key], key);
        }
      }
      assert.equal(bodies, Object.keys(REQUEST_EXAMPLES).length);
    });

    it('offers every ticket status and priority as an enum, and no customerId in the createTicket example', async () => {
      const paths = await documentPaths();
      const createTicket = paths['/api/ext-v1/ticket/createTicket']!.post!;
      const properties = createTicket.requestBody!.content['application/json']!.schema.properties as Record<string, { enum?: string[] }>;
      assert.deepEqual(properties.priority!.enum, [...TICKET_PRIORITIES]);
      assert.equal((exampleOf(createTicket) as Record<string, unknown>).customerId, undefined);
      const list = paths['/api/v1/tickets']!.get!;
      const parameter = (name: string) => list.parameters!.find((p) => p.name === name)!.schema.enum;
      assert.deepEqual(parameter('status'), [...TICKET_STATUSES]);
      assert.deepEqual(parameter('priority'), [...TICKET_PRIORITIES]);
      const status = paths['/api/v1/tickets/{id}/status']!.post!;
      const statusProperties = status.requestBody!.content['application/json']!.schema.properties as Record<string, { enum?: string[] }>;
      assert.deepEqual(statusProperties.status!.enum, [...TICKET_STATUSES]);
    });

    it('titles the interactive reference Telemap', async () => {
      const page = await h.request({ method: 'GET', url: '/docs' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<title>Telemap API reference<\/title>/);
    });

    it('accepts each example as it stands (ids and secrets taken from the requests before)', async () => {
      const { apiKey } = await h.newOrg();
      const send = (key: string, headers: Record<string, string>, body = REQUEST_EXAMPLES[key]) => {
        const [method, url] = key.split(' ') as ['POST', string];
        return h.request({ method, url: url.replace(':id', ids.current), headers, body });
      };
      const ids = { current: '' };
      for (const key of Object.keys(REQUEST_EXAMPLES).filter((k) => k.startsWith('POST /api/ext-v1/'))) {
        const response = await send(key, { 'x-api-key': apiKey });
        assert.equal(response.statusCode, 200, `${key}: ${response.body}`);
        if (key.endsWith('createTicket')) ids.current = response.json().ticketId;
      }
      for (const key of ['POST /api/v1/tickets/:id/status', 'POST /api/v1/tickets/:id/replies']) {
        const response = await send(key, { authorization: `Bearer ${apiKey}` });
        assert.ok([200, 201].includes(response.statusCode), `${key}: ${response.body}`);
      }

      const created = await send('POST /v2/integrations/customer', { authorization: ADMIN_TOKEN }, {
        ...REQUEST_EXAMPLES['POST /v2/integrations/customer'],
        Email: `openapi-${Date.now()}@acme.example`,
      });
      assert.equal(created.statusCode, 200, created.body);
      const { CustomerID, CustomerSecret } = created.json().Data;
      const token = await send('POST /v2/integrations/token', {}, { ...REQUEST_EXAMPLES['POST /v2/integrations/token'], Id: CustomerID, Secret: CustomerSecret });
      assert.equal(token.statusCode, 200, token.body);
      const bearer = { authorization: `Bearer ${token.json().Data}` };
      const key = await send('POST /api/v1/api-keys', bearer);
      assert.equal(key.statusCode, 201, key.body);
      ids.current = key.json().id;
      const rolled = await send('POST /api/v1/api-keys/:id/roll', bearer);
      assert.equal(rolled.statusCode, 201, rolled.body);
    });
  },
  { env: { TELEMAP_ADMIN_TOKEN: ADMIN_TOKEN } },
);
