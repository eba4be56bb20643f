// The help desk in the dashboard (HTTP through the real forms): the ticket timeline with authors and notes, the
// properties form, views, search with counts and previous pages, opening a ticket by hand, the expired-session
// reply, the Users and Settings pages (admins only), invitations and the forgotten-password e-mail through a real
// SMTP server, lockouts lifted by a reset or an admin, disabled users.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { browserAs, createCustomerViaExt, newUser, PASSWORD, seedTicket, signIn, uniqueEmail } from '../support/dashboard.js';
import { describeEachDialect, type Harness } from '../support/harness.js';
import { startMailReceiver } from '../support/mail-receiver.js';
import { until } from '../support/until.js';

const smtp = await startMailReceiver();
/** Each message once for each of its recipients: the tests look for the mail one address got. */
const mails = () => smtp.received.flatMap((m) => m.to.map((to) => ({ to, text: m.raw })));

const PUBLIC_URL = 'https://desk.example.test';
const ENV = { TELEMAP_SMTP_URL: smtp.url, TELEMAP_MAIL_FROM: 'Telemap <noreply@example.test>', TELEMAP_PUBLIC_URL: PUBLIC_URL, TELEMAP_SECURE_COOKIES: 'false' };

function linkIn(text: string): string {
  // Quoted-printable may wrap long lines with "=\r\n" and encode "=" as "=3D".
  const unwrapped = text.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = new RegExp(`${PUBLIC_URL}(/password/set\\?token=[A-Za-z0-9_-]+)`).exec(unwrapped);
  if (!match) throw new Error(`no link in mail: ${text}`);
  return match[1]!;
}

async function setPasswordThroughLink(h: Harness, path: string, password: string) {
  const form = await h.app.inject({ method: 'GET', url: path });
  assert.equal(form.statusCode, 200, form.body);
  const token = new URL(path, 'http://x').searchParams.get('token')!;
  return h.app.inject({
    method: 'POST',
    url: '/password/set',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token, password, confirm: password }).toString(),
  });
}

async function userIdOf(h: Harness, email: string): Promise<string> {
  return (await h.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}

describeEachDialect(
  'help desk in the dashboard',
  (h) => {
    it('shows a timeline with authors, notes set apart, and changes; reply and status in one submit', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const agent = await browserAs(h, organizationId, 'agent');
      const customerId = await createCustomerViaExt(h, apiKey, uniqueEmail('ann'), 'Ann');
      const ticketId = await seedTicket(h, organizationId, customerId, { title: 'Heater broken', messages: ['It is cold'] });
      const note = await agent.post(`/tickets/${ticketId}/replies`, { kind: 'note', content: 'Check the warranty first' });
      assert.equal(note.statusCode, 303);
      assert.match(note.headers.location!, /notice=note-added/);
      const replied = await agent.post(`/tickets/${ticketId}/replies`, { kind: 'message', content: 'Please send a photo', status: 'waiting_for_customer' });
      assert.equal(replied.statusCode, 303);
      const page = await agent.get(`/tickets/${ticketId}`);
      assert.match(page.body, /<li class="message role-agent kind-note">/);
      assert.match(page.body, /<li class="message role-agent kind-message">.*?Please send a photo/s);
      assert.ok(page.body.includes(`${agent.email} (agent)`));
      assert.match(page.body, new RegExp(`${agent.email.replace(/[.]/g, '\\.')} changed the status from open to waiting for customer`));
      const order = ['It is cold', 'Check the warranty first', 'Please send a photo', 'changed the status'].map((t) => page.body.indexOf(t));
      assert.ok(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]!)), `in order: ${order}`);
      const api = await h.request({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: { 'x-api-key': apiKey } });
      assert.equal(api.json().status, 'waiting_for_customer');
    });

    it('assigns from the properties form and lists the assigned-to-me and unassigned views', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const agent = await browserAs(h, organizationId, 'agent');
      const customerId = await createCustomerViaExt(h, apiKey, uniqueEmail('bo'));
      const mine = await seedTicket(h, organizationId, customerId, { title: 'Mine to fix' });
      await seedTicket(h, organizationId, customerId, { title: 'Nobody yet' });
      const meId = await userIdOf(h, agent.email);
      const res = await agent.post(`/tickets/${mine}/update`, { status: 'in_progress', priority: 'high', category: '', assignee: meId });
      assert.equal(res.statusCode, 303, res.body);
      const assigned = await agent.get('/tickets?view=mine');
      assert.match(assigned.body, /Mine to fix/);
      assert.doesNotMatch(assigned.body, /Nobody yet/);
      assert.match(assigned.body, /1 ticket matches/);
      const unassigned = await agent.get('/tickets?view=unassigned');
      assert.match(unassigned.body, /Nobody yet/);
      assert.doesNotMatch(unassigned.body, /Mine to fix/);
      // Another organization's agent finds nothing to change or reply to.
      const outsider = await browserAs(h, (await h.newOrg()).organizationId, 'agent');
      assert.equal((await outsider.post(`/tickets/${mine}/update`, { priority: 'low' })).statusCode, 404);
      assert.equal((await outsider.post(`/tickets/${mine}/replies`, { content: 'hi', kind: 'note' })).statusCode, 404);
      assert.equal((await outsider.get(`/tickets/${mine}`)).statusCode, 404);
      assert.doesNotMatch((await outsider.get('/tickets?q=Mine')).body, /Mine to fix/);
      // A user of another organization cannot be assigned.
      const other = await h.newOrg();
      const stranger = await newUser(h, other.organizationId, 'agent');
      const refused = await agent.post(`/tickets/${mine}/update`, { assignee: await userIdOf(h, stranger) });
      assert.equal(refused.statusCode, 400);
    });

    it('searches tickets, counts the matches and pages back', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const agent = await browserAs(h, organizationId, 'agent');
      const customerId = await createCustomerViaExt(h, apiKey, uniqueEmail('cy'));
      for (let i = 0; i < 27; i++) {
        await seedTicket(h, organizationId, customerId, { title: `Ticket ${String(i).padStart(2, '0')}`, messages: [i % 2 ? 'odd one' : 'even one'], createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() });
      }
      const odd = await agent.get('/tickets?q=odd');
      assert.match(odd.body, /13 tickets match/);
      const first = await agent.get('/tickets');
      assert.match(first.body, /27 tickets match/);
      assert.doesNotMatch(first.body, /Previous page/);
      const next = /href="(\/tickets\?cursor=[^"]+)" rel="next"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
      const second = await agent.get(next);
      assert.match(second.body, /Ticket 01/);
      const prev = /href="(\/tickets\?cursor=[^"]+)" rel="prev"/.exec(second.body)![1]!.replace(/&amp;/g, '&');
      const back = await agent.get(prev);
      assert.match(back.body, /Ticket 26/);
      assert.match(back.body, /Ticket 02/);
      assert.doesNotMatch(back.body, /Ticket 01</);
      // A NUL in the search never reaches the database: the server refuses such a URL (400), or the page drops it.
      const nul = await agent.get('/tickets?q=a%00b');
      assert.ok([200, 400].includes(nul.statusCode), String(nul.statusCode));
    });

    it('opens a ticket by hand for a new customer, with a device by identifier; a reload shows it, not a second one', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const agent = await browserAs(h, organizationId, 'agent');
      await h.extPost('/device', apiKey, { identifier: 'SN-HAND-1', type: 'boiler' });
      const { seedDevice } = await import('../support/dashboard.js');
      const exists = await h.database.db.selectFrom('devices').select('id').where('organization_id', '=', organizationId).where('identifier', '=', 'SN-HAND-1').executeTakeFirst();
      if (!exists) await seedDevice(h, organizationId, 'SN-HAND-1');
      const email = uniqueEmail('walkin');
      const form = await agent.get('/tickets/new');
      assert.equal(form.statusCode, 200);
      const created = await agent.post('/tickets/new', { customerEmail: email, title: 'Called about noise', description: 'Rattles at night', deviceIdentifier: 'SN-HAND-1', priority: 'high' });
      assert.equal(created.statusCode, 303, created.body);
      const location = created.headers.location!;
      assert.match(location, /^\/tickets\/[0-9a-f-]{36}\?notice=ticket-created$/);
      const page = await agent.get(location);
      assert.match(page.body, /Called about noise/);
      assert.match(page.body, /SN-HAND-1/);
      const api = await h.request({ method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent('noise')}`, headers: { 'x-api-key': apiKey } });
      assert.equal(api.json().data.length, 1);
      assert.equal(api.json().data[0].customerEmail, email);
      assert.equal(api.json().data[0].channel, 'dashboard');
      const unknownDevice = await agent.post('/tickets/new', { customerEmail: email, title: 'x', deviceIdentifier: 'NOPE' });
      assert.equal(unknownDevice.statusCode, 400);
      assert.match(unknownDevice.body, /No device has the identifier/);
    });

    it('sends an expired session back to sign in with next pointing at the ticket', async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const agent = await browserAs(h, organizationId, 'agent');
      const customerId = await createCustomerViaExt(h, apiKey, uniqueEmail('dee'));
      const ticketId = await seedTicket(h, organizationId, customerId, { title: 'Slow' });
      h.clock.advance(13 * 60 * 60 * 1000);
      try {
        const res = await agent.post(`/tickets/${ticketId}/replies`, { content: 'typed for a long time' });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, `/login?next=${encodeURIComponent(`/tickets/${ticketId}`)}&notice=session-expired`);
        const login = await h.app.inject({ method: 'GET', url: res.headers.location! });
        assert.match(login.body, /unsent reply is kept/);
        assert.match(login.body, new RegExp(`name="next" value="/tickets/${ticketId}"`));
      } finally {
        h.clock.reset();
      }
    });

    it('keeps agents out of Users and Settings, on every route', async () => {
      const { organizationId } = await h.newOrg();
      const agent = await browserAs(h, organizationId, 'agent');
      const someone = await userIdOf(h, await newUser(h, organizationId, 'agent'));
      for (const url of ['/users', '/settings']) assert.equal((await agent.get(url)).statusCode, 403, url);
      for (const url of ['/users/invite', `/users/${someone}/role`, `/users/${someone}/disable`, `/users/${someone}/enable`, `/users/${someone}/unlock`, '/settings']) {
        const res = await agent.post(url, { email: uniqueEmail('x'), role: 'admin', supportEmail: 'a@b.example' });
        assert.equal(res.statusCode, 403, url);
      }
      const role = await h.database.db.selectFrom('users').select('role').where('id', '=', someone).executeTakeFirstOrThrow();
      assert.equal(role.role, 'agent');
    });

    it('lets an admin invite (e-mailed link, single use), change a role and disable; other organizations are out of reach', async () => {
      const { organizationId } = await h.newOrg();
      const admin = await browserAs(h, organizationId, 'admin');
      const email = uniqueEmail('invitee');
      const invited = await admin.post('/users/invite', { email, role: 'agent' });
      assert.equal(invited.statusCode, 200, invited.body);
      const shown = /value="https:\/\/desk\.example\.test(\/password\/set\?token=[^"]+)"/.exec(invited.body)![1]!;
      await until(() => mails().some((m) => m.to === email), 'no invitation e-mail');
      const mailed = linkIn(mails().find((m) => m.to === email)!.text);
      assert.equal(mailed, shown);
      const again = await admin.post('/users/invite', { email, role: 'agent' });
      assert.equal(again.statusCode, 409);
      const stored = await h.database.db.selectFrom('user_tokens').select('token_hash').where('user_id', '=', await userIdOf(h, email)).execute();
      assert.ok(stored.every((t) => !mailed.includes(t.token_hash)) && stored.every((t) => /^[0-9a-f]{64}$/.test(t.token_hash)));
      assert.equal((await signIn(h, email, 'whatever password')).statusCode, 401);
      const set = await setPasswordThroughLink(h, mailed, 'a brand new password');
      assert.equal(set.statusCode, 303);
      assert.equal(set.headers.location, '/login?notice=password-set');
      assert.equal((await h.app.inject({ method: 'GET', url: mailed })).statusCode, 410, 'single use');
      assert.equal((await signIn(h, email, 'a brand new password')).statusCode, 303);

      const id = await userIdOf(h, email);
      assert.equal((await admin.post(`/users/${id}/role`, { role: 'admin' })).statusCode, 303);
      const session = await signIn(h, email, 'a brand new password');
      const cookie = `telemap_session=${session.sessionCookie}`;
      assert.equal((await h.app.inject({ method: 'GET', url: '/tickets', headers: { cookie } })).statusCode, 200);
      assert.equal((await admin.post(`/users/${id}/disable`)).statusCode, 303);
      const dropped = await h.app.inject({ method: 'GET', url: '/tickets', headers: { cookie } });
      assert.equal(dropped.statusCode, 303, 'the disabled user is signed out');
      assert.equal((await signIn(h, email, 'a brand new password')).statusCode, 401);
      assert.equal((await admin.post(`/users/${id}/enable`)).statusCode, 303);
      assert.equal((await signIn(h, email, 'a brand new password')).statusCode, 303);
      const selfId = await userIdOf(h, admin.email);
      assert.equal((await admin.post(`/users/${selfId}/disable`)).statusCode, 400, 'not yourself');

      const other = await h.newOrg();
      const strangerId = await userIdOf(h, await newUser(h, other.organizationId, 'agent'));
      for (const path of ['role', 'disable', 'unlock']) {
        const res = await admin.post(`/users/${strangerId}/${path}`, { role: 'admin' });
        assert.equal(res.statusCode, 400, path);
      }
      const stranger = await h.database.db.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', strangerId).executeTakeFirstOrThrow();
      assert.deepEqual(stranger, { role: 'agent', disabled_at: null });
    });

    it('e-mails a reset link that lifts the lockout; an admin can lift it too', async () => {
      const { organizationId } = await h.newOrg();
      const admin = await browserAs(h, organizationId, 'admin');
      const email = await newUser(h, organizationId, 'agent');
      for (let i = 0; i < 5; i++) assert.equal((await signIn(h, email, 'wrong password!')).statusCode, 401);
      assert.equal((await signIn(h, email)).statusCode, 429, 'locked out');
      assert.equal((await admin.post(`/users/${await userIdOf(h, email)}/unlock`)).statusCode, 303);
      assert.equal((await signIn(h, email)).statusCode, 303, 'lifted by the admin');

      for (let i = 0; i < 5; i++) await signIn(h, email, 'wrong password!');
      assert.equal((await signIn(h, email)).statusCode, 429);
      const forgotPage = await h.app.inject({ method: 'GET', url: '/password/forgot' });
      assert.match(forgotPage.body, /Send me a link/);
      const before = mails().length;
      const forgot = await h.app.inject({ method: 'POST', url: '/password/forgot', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=${encodeURIComponent(email.toUpperCase())}` });
      assert.equal(forgot.statusCode, 303);
      const unknown = await h.app.inject({ method: 'POST', url: '/password/forgot', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=nobody%40example.com' });
      assert.equal(unknown.headers.location, forgot.headers.location, 'the same answer for an unknown address');
      await until(() => mails().slice(before).some((m) => m.to === email), 'no reset e-mail');
      const link = linkIn(mails().slice(before).find((m) => m.to === email)!.text);
      assert.equal((await setPasswordThroughLink(h, link, 'short')).statusCode, 400);
      assert.equal((await setPasswordThroughLink(h, link, 'another good password')).statusCode, 303);
      assert.equal((await signIn(h, email, 'another good password')).statusCode, 303, 'lifted by the reset');
      assert.equal((await signIn(h, email, PASSWORD)).statusCode, 401, 'the old password is gone');
      // An expired link: issue one and move past its hour.
      const later = mails().length;
      await h.app.inject({ method: 'POST', url: '/password/forgot', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=${encodeURIComponent(email)}` });
      await until(() => mails().length > later, 'no second reset e-mail');
      const expiring = linkIn(mails().at(-1)!.text);
      h.clock.advance(61 * 60 * 1000);
      try {
        assert.equal((await h.app.inject({ method: 'GET', url: expiring })).statusCode, 410);
      } finally {
        h.clock.reset();
      }
    });

    it("e-mails an agent's public reply to the customer with the reference and Reply-To, and never a note", async () => {
      const { organizationId, apiKey } = await h.newOrg();
      const admin = await browserAs(h, organizationId, 'admin');
      assert.equal((await admin.post('/settings', { supportEmail: 'help@heating.example' })).statusCode, 303);
      const customerEmail = uniqueEmail('mailme');
      await createCustomerViaExt(h, apiKey, customerEmail, 'Mia');
      const created = await h.extPost('/ticket/createTicket', apiKey, { customerEmail, title: 'No hot water', messages: [{ role: 'customer', content: 'Cold showers' }] });
      const ticketId = (created.json() as { ticketId: string }).ticketId;
      await admin.post(`/tickets/${ticketId}/replies`, { kind: 'note', content: 'NOTE-NEVER-MAILED' });
      await admin.post(`/tickets/${ticketId}/replies`, { kind: 'message', content: 'We will send an engineer on Tuesday.' });
      await until(() => mails().some((m) => m.to === customerEmail), 'the reply was not e-mailed', 20_000);
      const mail = mails().filter((m) => m.to === customerEmail);
      assert.equal(mail.length, 1, 'one e-mail: the public reply only');
      const raw = mail[0]!.text.replace(/=\r?\n/g, '');
      assert.match(raw, new RegExp(`^Subject: \\[#${ticketId.slice(0, 8)}\\] Re: No hot water`, 'm'));
      assert.match(raw, /^Reply-To: help@heating\.example/m);
      assert.match(raw, /We will send an engineer on Tuesday\./);
      assert.ok(!raw.includes('NOTE-NEVER-MAILED'));
      // A customer's own message is not mailed back to them.
      await h.request({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: { 'x-api-key': apiKey }, body: { role: 'customer', content: 'Thanks!' } });
      const deliveries = await h.database.db.selectFrom('deliveries').select(['target', 'status']).where('organization_id', '=', organizationId).where('channel', '=', 'email').execute();
      assert.deepEqual(deliveries.map((d) => d.target), [`mailto:${customerEmail}`]);
    });

    it('saves the support address on the Settings page', async () => {
      const { organizationId } = await h.newOrg();
      const admin = await browserAs(h, organizationId, 'admin');
      assert.equal((await admin.post('/settings', { supportEmail: 'not an address' })).statusCode, 400);
      assert.equal((await admin.post('/settings', { supportEmail: 'Help@Acme.example' })).statusCode, 303);
      const page = await admin.get('/settings');
      assert.match(page.body, /value="help@acme\.example"/);
    });
  },
  { env: ENV },
);
