// The per-account sign-in lockout is kept in the database: two server processes on one database (a load balancer in
// front) count one account's failures together, and a lift by an admin or a reset served by one process ends the
// lockout in the other.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { connectDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { issuePasswordToken } from '../../src/domain/users/tokens.js';
import { browserAs, newUser, signIn } from '../support/dashboard.js';
import { describeEachDialect, type Harness } from '../support/harness.js';

const WRONG = 'wrong password!';

describeEachDialect('sign-in lockout across processes', (h) => {
  // Process A is the harness's app; process B is a second app with its own connection to the same database.
  let databaseB: Database;
  let appB: FastifyInstance;
  let b: Harness;
  before(async () => {
    databaseB = connectDatabase(h.config.database);
    appB = await buildApp({ config: h.config, database: databaseB, clock: h.clock, logger: false });
    await appB.ready();
    b = Object.create(h, { app: { value: appB } }) as Harness;
  });
  after(async () => {
    await appB.close();
    await databaseB.close();
  });

  async function userIdOf(email: string): Promise<string> {
    return (await h.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  }

  async function lockOnA(email: string) {
    for (let i = 0; i < 5; i++) assert.equal((await signIn(h, email, WRONG)).statusCode, 401);
    const limited = await signIn(h, email);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /Too many failed sign-in attempts/);
  }

  it('a lockout made on A holds on B, and an admin lifting it on B ends it on A', async () => {
    const { organizationId } = await h.newOrg();
    const admin = await browserAs(b, organizationId, 'admin');
    const email = await newUser(h, organizationId, 'agent');
    await lockOnA(email);
    const onB = await signIn(b, email);
    assert.equal(onB.statusCode, 429, 'the other process sees the lockout');
    assert.ok(Number(onB.headers['retry-after']) > 0);

    assert.equal((await admin.post(`/users/${await userIdOf(email)}/unlock`)).statusCode, 303);
    assert.equal((await signIn(h, email)).statusCode, 303, 'lifted by the admin on the other process');
  });

  it('failures from one address do not lock the person out from another (on either process)', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    for (let i = 0; i < 5; i++) assert.equal((await signIn(h, email, WRONG, '203.0.113.7')).statusCode, 401);
    assert.equal((await signIn(b, email, undefined, '203.0.113.7')).statusCode, 429, 'locked for the address that failed');
    assert.equal((await signIn(b, email, undefined, '198.51.100.20')).statusCode, 303, 'not for another address');
  });

  it('a reset through a link served by B ends the lockout on A', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    await lockOnA(email);
    // The link the reset e-mail would carry.
    const token = await issuePasswordToken(h.database.db, { id: await userIdOf(email), organizationId }, 'reset', h.clock.now());
    const set = await appB.inject({
      method: 'POST',
      url: '/password/set',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token, password: 'another good password', confirm: 'another good password' }).toString(),
    });
    assert.equal(set.statusCode, 303, set.body);
    assert.equal((await signIn(h, email, 'another good password')).statusCode, 303, 'lifted by the reset on the other process');
  });

  it('failures on A and on B add up to one lockout, which ends with its window; the next window counts anew', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    for (let i = 0; i < 3; i++) assert.equal((await signIn(h, email, WRONG)).statusCode, 401);
    for (let i = 0; i < 2; i++) assert.equal((await signIn(b, email, WRONG)).statusCode, 401);
    assert.equal((await signIn(h, email)).statusCode, 429);
    assert.equal((await signIn(b, email)).statusCode, 429);
    h.clock.advance(16 * 60 * 1000);
    try {
      // A new window: the first failure after it counts from one, and five lock again.
      assert.equal((await signIn(b, email, WRONG)).statusCode, 401);
      for (let i = 0; i < 4; i++) assert.equal((await signIn(h, email, WRONG)).statusCode, 401);
      assert.equal((await signIn(h, email)).statusCode, 429);
    } finally {
      h.clock.reset();
    }
  });

  it('a successful sign-in on one process clears the failures counted on the other', async () => {
    const { organizationId } = await h.newOrg();
    const email = await newUser(h, organizationId, 'agent');
    for (let i = 0; i < 4; i++) assert.equal((await signIn(h, email, WRONG)).statusCode, 401);
    assert.equal((await signIn(b, email)).statusCode, 303);
    for (let i = 0; i < 4; i++) assert.equal((await signIn(h, email, WRONG)).statusCode, 401);
    assert.equal((await signIn(h, email)).statusCode, 303, 'four failures after the success do not lock');
  });
});
