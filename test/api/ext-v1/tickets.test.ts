import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { createCategory } from '../../../src/domain/categories/service.js';
import { describeEachDialect, type Harness } from '../../support/harness.js';

const MESSAGES_ERROR = 'messages must be an array of {role, content} with role customer, agent or bot';
const PRIORITY_ERROR = 'Invalid priority. Must be one of: low, medium, high, urgent';
const CREATED = 'Ticket created successfully';

describeEachDialect('ext-v1 createTicket', (h) => {
  async function create(apiKey: string, body: unknown) {
    const res = await h.extPost('/ticket/createTicket', apiKey, body);
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  }

  /** Asserts the exact error body (the contract's `error` plus Telemap's `requestId`). */
  async function expectError(apiKey: string, body: unknown, status: number, error: string) {
    const res = await create(apiKey, body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, { error, requestId: res.body.requestId }, JSON.stringify(body));
    assert.equal(typeof res.body.requestId, 'string');
  }

  async function createOk(apiKey: string, body: unknown): Promise<string> {
    const res = await create(apiKey, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { success: true, ticketId: res.body.ticketId, message: CREATED });
    assert.match(res.body.ticketId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    return res.body.ticketId as string;
  }

  // ext-v1 has no ticket read endpoint yet: the tests read what was stored.
  const ticketRow = (id: string) => h.database.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const messageRows = (ticketId: string) =>
    h.database.db.selectFrom('ticket_messages').selectAll().where('ticket_id', '=', ticketId).orderBy('position').execute();
  const customerRows = (organizationId: string) =>
    h.database.db.selectFrom('customers').selectAll().where('organization_id', '=', organizationId).execute();
  const ticketCount = async (organizationId: string) =>
    (await h.database.db.selectFrom('tickets').select('id').where('organization_id', '=', organizationId).execute()).length;

  async function newCustomer(apiKey: string, email: string): Promise<string> {
    const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email, name: 'Existing Name', phone: '+1' });
    assert.equal(res.statusCode, 200);
    return res.json().telemetronCustomerId as string;
  }

  async function newDevice(h: Harness, organizationId: string, identifier: string): Promise<string> {
    const id = randomUUID();
    const now = new Date().toISOString();
    await h.database.db
      .insertInto('devices')
      .values({ id, organization_id: organizationId, identifier, type: 'sensor', metadata: '{}', created_at: now, updated_at: now })
      .execute();
    return id;
  }

  it('opens a ticket with defaults: priority medium, status open, channel api, no device, no category', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const customerId = await newCustomer(apiKey, 'owner@example.com');
    const ticketId = await createOk(apiKey, { title: '  Screen flickers  ', customerEmail: 'OWNER@example.com' });
    const row = await ticketRow(ticketId);
    assert.deepEqual(
      { ...row, created_at: undefined, updated_at: undefined },
      {
        id: ticketId,
        organization_id: organizationId,
        customer_id: customerId,
        device_id: null,
        category_id: null,
        title: 'Screen flickers',
        description: '',
        priority: 'medium',
        status: 'open',
        channel: 'api',
        created_at: undefined,
        updated_at: undefined,
        alert_id: null,
        assignee_user_id: null,
      },
    );
    assert.match(row.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(row.created_at, row.updated_at);
    assert.deepEqual(await messageRows(ticketId), []);
  });

  it('stores each priority, the description as sent, and the messages as ordered rows', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (const priority of ['low', 'medium', 'high', 'urgent']) {
      const id = await createOk(apiKey, { title: `P ${priority}`, customerEmail: 'p@example.com', priority });
      assert.equal((await ticketRow(id)).priority, priority);
    }
    const ticketId = await createOk(apiKey, {
      title: 'Charging',
      description: 'Written by the client\n  keep as is ',
      customerEmail: 'p@example.com',
      messages: [
        { role: 'customer', content: 'It does not charge' },
        { role: 'bot', content: '' },
        { role: 'agent', content: 'Which cable?', sentAt: 'ignored extra field' },
      ],
    });
    const row = await ticketRow(ticketId);
    assert.equal(row.description, 'Written by the client\n  keep as is ');
    const messages = await messageRows(ticketId);
    assert.deepEqual(
      messages.map((m) => [m.position, m.role, m.content, m.organization_id, m.created_at]),
      [
        [0, 'customer', 'It does not charge', organizationId, row.created_at],
        [1, 'bot', '', organizationId, row.created_at],
        [2, 'agent', 'Which cable?', organizationId, row.created_at],
      ],
    );
  });

  it('records the API key that opened it as the author of its agent messages, and the customer as theirs', async () => {
    const { organizationId, apiKey } = await h.newOrg();
    const key = await h.database.db.selectFrom('api_keys').select('id').where('organization_id', '=', organizationId).executeTakeFirstOrThrow();
    const customerId = await newCustomer(apiKey, 'author@example.com');
    const ticketId = await createOk(apiKey, {
      title: 'Display dim',
      customerEmail: 'author@example.com',
      messages: [
        { role: 'customer', content: 'The display is dim.' },
        { role: 'agent', content: 'Which firmware?' },
      ],
    });
    const rows = await h.database.db
      .selectFrom('ticket_messages')
      .select(['author_type', 'author_id'])
      .where('ticket_id', '=', ticketId)
      .orderBy('position')
      .execute();
    assert.deepEqual(rows, [
      { author_type: 'customer', author_id: customerId },
      { author_type: 'api_key', author_id: key.id },
    ]);
  });

  it('composes the description from the messages when none (or a blank one) is sent', async () => {
    const { apiKey } = await h.newOrg();
    const messages = [
      { role: 'customer', content: 'My device is offline' },
      { role: 'agent', content: 'Have you tried\nrestarting it?' },
      { role: 'bot', content: 'Ticket escalated' },
    ];
    const expected = 'customer: My device is offline\nagent: Have you tried\nrestarting it?\nbot: Ticket escalated';
    for (const description of [undefined, null, '', '   ']) {
      const id = await createOk(apiKey, { title: 'Offline', customerEmail: 'c@example.com', description, messages });
      assert.equal((await ticketRow(id)).description, expected, JSON.stringify(description));
    }
    const empty = await createOk(apiKey, { title: 'No words', customerEmail: 'c@example.com', messages: [] });
    assert.equal((await ticketRow(empty)).description, '');
    assert.deepEqual(await messageRows(empty), []);
  });

  it('validates the title: required, trimmed, at most 255 characters', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (const title of [undefined, null, '', '    ']) {
      await expectError(apiKey, { title, customerEmail: 'c@example.com' }, 400, 'title is required');
    }
    await expectError(apiKey, { title: 42, customerEmail: 'c@example.com' }, 400, 'title must be a string');
    await expectError(apiKey, { title: 'x'.repeat(256), customerEmail: 'c@example.com' }, 400, 'title must be at most 255 characters');
    // Counted in characters (code points) after trimming: 255 emoji (510 UTF-16 units) and padded titles fit.
    await expectError(apiKey, { title: '😀'.repeat(256), customerEmail: 'c@example.com' }, 400, 'title must be at most 255 characters');
    assert.equal(await ticketCount(organizationId), 0);
    assert.deepEqual(await customerRows(organizationId), []);

    const max = await createOk(apiKey, { title: 'x'.repeat(255), customerEmail: 'c@example.com' });
    assert.equal((await ticketRow(max)).title, 'x'.repeat(255));
    const emoji = await createOk(apiKey, { title: '😀'.repeat(255), customerEmail: 'c@example.com' });
    assert.equal((await ticketRow(emoji)).title, '😀'.repeat(255));
    const padded = await createOk(apiKey, { title: `  ${'y'.repeat(255)}  `, customerEmail: 'c@example.com' });
    assert.equal((await ticketRow(padded)).title, 'y'.repeat(255));
  });

  it('requires a customer reference, then a valid priority, then well-formed messages, in that order', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (const refs of [{}, { customerEmail: '' }, { customerId: '  ' }, { customerEmail: null, customerId: null }]) {
      await expectError(apiKey, { title: 'T', ...refs }, 400, 'Either customerEmail or customerId is required');
    }
    for (const customerEmail of ['not-an-email', 'a b@example.com', 42]) {
      await expectError(apiKey, { title: 'T', customerEmail }, 400, 'Invalid email format');
    }
    for (const priority of ['', 'HIGH', 'critical', 1, true, ['low']]) {
      await expectError(apiKey, { title: 'T', customerEmail: 'c@example.com', priority }, 400, PRIORITY_ERROR);
    }
    const malformed: unknown[] = [
      'customer: hi',
      { role: 'customer', content: 'hi' },
      42,
      [null],
      ['hi'],
      [[]],
      [{ role: 'customer' }],
      [{ content: 'hi' }],
      [{ role: 'system', content: 'hi' }],
      [{ role: 'Customer', content: 'hi' }],
      [{ role: 'agent', content: 42 }],
      [{ role: 'agent', content: null }],
      [{ role: 'agent', content: { text: 'hi' } }],
      [{ role: 'customer', content: 'ok' }, { role: 'bot' }],
    ];
    for (const messages of malformed) {
      await expectError(apiKey, { title: 'T', customerEmail: 'c@example.com', messages }, 400, MESSAGES_ERROR);
    }
    await expectError(apiKey, { title: 'T', customerEmail: 'c@example.com', messages: [{ role: 'bot', content: 'a\u0000b' }] }, 400, 'messages must not contain NUL characters');
    // The contract's order: title, customer, priority, messages.
    await expectError(apiKey, { priority: 'bad', messages: 'bad' }, 400, 'title is required');
    await expectError(apiKey, { title: 'T', priority: 'bad', messages: 'bad' }, 400, 'Either customerEmail or customerId is required');
    await expectError(apiKey, { title: 'T', customerEmail: 'c@example.com', priority: 'bad', messages: 'bad' }, 400, PRIORITY_ERROR);
    // Validation comes before lookups: an unknown customerId with bad messages is a 400.
    await expectError(apiKey, { title: 'T', customerId: randomUUID(), messages: 'bad' }, 400, MESSAGES_ERROR);
    for (const [field, value, error] of [
      ['description', 5, 'description must be a string'],
      ['category', {}, 'category must be a string'],
      ['deviceIdentifier', 7, 'deviceIdentifier must be a string'],
      ['customerId', 7, 'customerId must be a string'],
    ] as const) {
      await expectError(apiKey, { title: 'T', customerEmail: 'c@example.com', [field]: value }, 400, error);
    }
    // Nothing was written by any refused request.
    assert.equal(await ticketCount(organizationId), 0);
    assert.deepEqual(await customerRows(organizationId), []);
  });

  it('answers the contract 400 for bodies that are not JSON objects, 401 without a key, 405 on GET', async () => {
    const { apiKey } = await h.newOrg();
    for (const body of ['{"title":', '[]', '"x"', '']) {
      await expectError(apiKey, body, 400, 'Invalid JSON payload');
    }
    const noKey = await h.extPost('/ticket/createTicket', undefined, { title: 'T', customerEmail: 'c@example.com' });
    assert.equal(noKey.statusCode, 401);
    assert.equal(noKey.json().error, 'Invalid or missing API key');
    const get = await h.extGet('/ticket/createTicket', apiKey);
    assert.equal(get.statusCode, 405);
    assert.equal(get.json().error, 'Method not allowed');
  });

  it('answers 404 Customer not found for an unknown customerId, which wins over customerEmail', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    for (const customerId of [randomUUID(), 'not-a-uuid']) {
      await expectError(apiKey, { title: 'T', customerId }, 404, 'Customer not found');
      // customerId wins: the (valid, new) email is neither used nor created.
      await expectError(apiKey, { title: 'T', customerId, customerEmail: 'new@example.com' }, 404, 'Customer not found');
    }
    assert.deepEqual(await customerRows(organizationId), []);
    assert.equal(await ticketCount(organizationId), 0);
  });

  it('uses customerId when both references are sent, and ignores the email entirely', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const byId = await newCustomer(apiKey, 'by-id@example.com');
    const byEmail = await newCustomer(apiKey, 'by-email@example.com');
    const first = await createOk(apiKey, { title: 'T', customerId: byId, customerEmail: 'by-email@example.com' });
    assert.equal((await ticketRow(first)).customer_id, byId);
    const upper = await createOk(apiKey, { title: 'T', customerId: byId.toUpperCase(), customerEmail: 'not an email' });
    assert.equal((await ticketRow(upper)).customer_id, byId);
    const emailOnly = await createOk(apiKey, { title: 'T', customerEmail: ' BY-EMAIL@example.com ' });
    assert.equal((await ticketRow(emailOnly)).customer_id, byEmail);
    assert.equal((await customerRows(organizationId)).length, 2);
  });

  it('creates an unknown customer from customerEmail, and never modifies an existing one', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const ticketId = await createOk(apiKey, { title: 'T', customerEmail: '  New.Person@Example.com ' });
    const [created] = await customerRows(organizationId);
    assert.equal(created!.email, 'new.person@example.com');
    assert.equal(created!.name, 'new.person');
    assert.equal((await ticketRow(ticketId)).customer_id, created!.id);
    const record = (await h.extGet(`/customer/getCustomer/${created!.id}`, apiKey)).json();
    assert.equal(record.email, 'new.person@example.com');

    const existingId = await newCustomer(apiKey, 'kept@example.com');
    const before = (await h.extGet(`/customer/getCustomer/${existingId}`, apiKey)).json();
    h.clock.advance(60_000);
    await createOk(apiKey, { title: 'T', customerEmail: 'KEPT@example.com', description: 'x' });
    await createOk(apiKey, { title: 'T', customerId: existingId });
    const after = (await h.extGet(`/customer/getCustomer/${existingId}`, apiKey)).json();
    assert.deepEqual(after, before);
    h.clock.reset();
  });

  it('creates a new customer exactly once under 20 parallel tickets with the same new email', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create(apiKey, { title: `Race ${i}`, customerEmail: 'Racer@Example.com', messages: [{ role: 'customer', content: `m${i}` }] })),
    );
    for (const r of results) assert.deepEqual(r.body, { success: true, ticketId: r.body.ticketId, message: CREATED });
    assert.equal(new Set(results.map((r) => r.body.ticketId)).size, 20);
    const customers = await customerRows(organizationId);
    assert.equal(customers.length, 1);
    assert.equal(customers[0]!.email, 'racer@example.com');
    const tickets = await h.database.db.selectFrom('tickets').select('customer_id').where('organization_id', '=', organizationId).execute();
    assert.equal(tickets.length, 20);
    assert.ok(tickets.every((t) => t.customer_id === customers[0]!.id));
    const messages = await h.database.db.selectFrom('ticket_messages').select('id').where('organization_id', '=', organizationId).execute();
    assert.equal(messages.length, 20);
  });

  it('links the ticket to a device of the organization; an unknown identifier is 404 and writes nothing', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const deviceId = await newDevice(h, organizationId, 'SN-12345-ABCDE');
    const ticketId = await createOk(apiKey, { title: 'T', customerEmail: 'd@example.com', deviceIdentifier: ' SN-12345-ABCDE ' });
    assert.equal((await ticketRow(ticketId)).device_id, deviceId);
    const blank = await createOk(apiKey, { title: 'T', customerEmail: 'd@example.com', deviceIdentifier: '' });
    assert.equal((await ticketRow(blank)).device_id, null);

    // Identifiers are matched exactly (case included); a refused ticket does not create its new customer.
    for (const deviceIdentifier of ['SN-UNKNOWN', 'sn-12345-abcde']) {
      await expectError(apiKey, { title: 'T', customerEmail: 'brand-new@example.com', deviceIdentifier }, 404, 'Device not found');
    }
    assert.equal((await customerRows(organizationId)).length, 1);
    assert.equal(await ticketCount(organizationId), 2);
  });

  it('uses the named category, matched case-insensitively, even when the text suggests another', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const battery = await createCategory(h.ctx, organizationId, { name: 'Battery', keywords: ['charging'] });
    const billing = await createCategory(h.ctx, organizationId, { name: 'Billing', keywords: ['invoice'] });
    for (const category of ['Billing', 'billing', '  BILLING ']) {
      const id = await createOk(apiKey, { title: 'Battery not charging', customerEmail: 'c@example.com', category });
      assert.equal((await ticketRow(id)).category_id, billing.id, category);
    }
    // A name that is no category of the organization falls back to the classifier.
    const unknown = await createOk(apiKey, { title: 'Battery not charging', customerEmail: 'c@example.com', category: 'Returns' });
    assert.equal((await ticketRow(unknown)).category_id, battery.id);
  });

  it('categorizes automatically from title, description and messages, or leaves the ticket uncategorized', async () => {
    const { apiKey, organizationId } = await h.newOrg();
    const battery = await createCategory(h.ctx, organizationId, { name: 'Battery', keywords: ['charging', 'power bank'] });
    const billing = await createCategory(h.ctx, organizationId, { name: 'Billing', keywords: ['invoice', 'refund'] });
    const connectivity = await createCategory(h.ctx, organizationId, { name: 'Connectivity', keywords: ['Wi-Fi'] });
    await createCategory(h.ctx, organizationId, { name: 'Agent' });

    const cases: Array<[Record<string, unknown>, string | null]> = [
      [{ title: 'Stopped CHARGING overnight' }, battery.id],
      [{ title: 'Question', description: 'Where is my invoice? I want a refund.' }, billing.id],
      [{ title: 'Help', messages: [{ role: 'customer', content: 'wifi? no: the wi-fi drops' }] }, connectivity.id],
      // One battery word against two billing words.
      [{ title: 'Battery', messages: [{ role: 'customer', content: 'refund' }, { role: 'agent', content: 'invoice sent' }] }, billing.id],
      // A tie (one each) goes to the name that sorts first.
      [{ title: 'refund the charging cable' }, battery.id],
      // Whole words only, and nothing matching: uncategorized.
      [{ title: 'My charger is broken', description: 'recharged twice, refunds?' }, null],
      [{ title: 'Screen flickers' }, null],
      // The role names of a composed description are not text the client wrote.
      [{ title: 'x', messages: [{ role: 'agent', content: 'y' }] }, null],
    ];
    for (const [fields, expected] of cases) {
      const id = await createOk(apiKey, { customerEmail: 'c@example.com', ...fields });
      assert.equal((await ticketRow(id)).category_id, expected, JSON.stringify(fields));
    }
  });

  it("keeps organizations apart: another organization's customer, categories and devices do not apply", async () => {
    const mine = await h.newOrg('Mine');
    const theirs = await h.newOrg('Theirs');
    const theirCustomer = await newCustomer(theirs.apiKey, 'theirs@example.com');
    await createCategory(h.ctx, theirs.organizationId, { name: 'Battery', keywords: ['charging'] });
    await newDevice(h, theirs.organizationId, 'THEIR-DEVICE');

    const missing = await create(mine.apiKey, { title: 'T', customerId: randomUUID() });
    const foreign = await create(mine.apiKey, { title: 'T', customerId: theirCustomer });
    assert.equal(foreign.status, 404);
    assert.deepEqual({ ...foreign.body, requestId: undefined }, { ...missing.body, requestId: undefined });

    const named = await createOk(mine.apiKey, { title: 'Battery charging', customerEmail: 'm@example.com', category: 'Battery' });
    assert.equal((await ticketRow(named)).category_id, null);
    await expectError(mine.apiKey, { title: 'T', customerEmail: 'm@example.com', deviceIdentifier: 'THEIR-DEVICE' }, 404, 'Device not found');

    // Their email is a new customer in my organization; theirs is untouched.
    const sameEmail = await createOk(mine.apiKey, { title: 'T', customerEmail: 'theirs@example.com' });
    assert.notEqual((await ticketRow(sameEmail)).customer_id, theirCustomer);
    assert.equal(await ticketCount(theirs.organizationId), 0);
    assert.equal((await customerRows(theirs.organizationId)).length, 1);
  });

  it('documents the route in /openapi.json with its request and 200 response', async () => {
    const res = await h.request({ method: 'GET', url: '/openapi.json' });
    const operation = res.json().paths['/api/ext-v1/ticket/createTicket'].post;
    const body = operation.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(body.properties).sort(), [
      'category', 'customerEmail', 'customerId', 'description', 'deviceIdentifier', 'messages', 'priority', 'title',
    ]);
    assert.deepEqual(body.required, ['title']);
    const ok = operation.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(ok.properties).sort(), ['message', 'success', 'ticketId']);
  });
});
