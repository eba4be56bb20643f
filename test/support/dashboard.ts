// Helpers for dashboard tests: users, sign-in through the real form, and seeding rows the pages show.
import type { LightMyRequestResponse } from 'fastify';
import { newId } from '../../src/domain/ids.js';
import { createUser, type UserRole } from '../../src/domain/users/service.js';
import type { Harness } from './harness.js';

export const PASSWORD = 'correct horse battery staple';

export interface Browser {
  email: string;
  cookie: string;
  csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  /** A form POST (urlencoded) carrying the session's CSRF token unless `_csrf` is given. */
  post(url: string, form?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export function cookiesFrom(res: LightMyRequestResponse): Record<string, string> {
  const raw = res.headers['set-cookie'];
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: Record<string, string> = {};
  for (const line of lines) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return out;
}

export function csrfIn(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match) throw new Error('no CSRF field in page');
  return match[1]!;
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${newId().slice(0, 8)}@example.com`;
}

export async function newUser(h: Harness, organizationId: string, role: UserRole, email = uniqueEmail(role)) {
  await createUser(h.ctx, organizationId, { email, role, password: PASSWORD });
  return email;
}

/** Signs in through GET /login + POST /login, as a browser would (from `remoteAddress`, when given). */
export async function signIn(
  h: Harness,
  email: string,
  password = PASSWORD,
  remoteAddress?: string,
): Promise<LightMyRequestResponse & { sessionCookie?: string }> {
  const form = await h.app.inject({ method: 'GET', url: '/login' });
  const loginCookie = cookiesFrom(form).telemap_login_csrf!;
  const res = await h.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `telemap_login_csrf=${loginCookie}` },
    payload: new URLSearchParams({ _csrf: csrfIn(form.body), email, password, next: '/tickets' }).toString(),
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  return Object.assign(res, { sessionCookie: cookiesFrom(res).telemap_session });
}

export async function browserAs(h: Harness, organizationId: string, role: UserRole): Promise<Browser> {
  const email = await newUser(h, organizationId, role);
  const res = await signIn(h, email);
  if (res.statusCode !== 303 || !res.sessionCookie) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = `telemap_session=${res.sessionCookie}`;
  const page = await h.app.inject({ method: 'GET', url: '/tickets', headers: { cookie } });
  const csrf = csrfIn(page.body);
  return {
    email,
    cookie,
    csrf,
    get: (url) => h.app.inject({ method: 'GET', url, headers: { cookie } }),
    post: (url, form = {}) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
      }),
  };
}

/** Rows written straight to the database, for what ext-v1 cannot create yet in this branch. */
export async function seedDevice(h: Harness, organizationId: string, identifier: string, type = 'thermostat', metadata = {}) {
  const id = newId();
  const now = h.clock.now().toISOString();
  await h.database.db
    .insertInto('devices')
    .values({ id, organization_id: organizationId, identifier, type, metadata: JSON.stringify(metadata), created_at: now, updated_at: now })
    .execute();
  return id;
}

export async function seedAssignment(h: Harness, organizationId: string, deviceId: string, customerId: string, assignedAt: string, unassignedAt: string | null = null) {
  const last = await h.database.db
    .selectFrom('assignments')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  const position = Number(last?.last ?? 0) + 1;
  await h.database.db
    .insertInto('assignments')
    .values({ id: newId(), organization_id: organizationId, device_id: deviceId, customer_id: customerId, assigned_at: assignedAt, unassigned_at: unassignedAt, position })
    .execute();
}

export async function seedTicket(
  h: Harness,
  organizationId: string,
  customerId: string,
  fields: { title: string; priority?: string; status?: string; deviceId?: string | null; messages?: string[]; createdAt?: string },
) {
  const id = newId();
  const now = fields.createdAt ?? h.clock.now().toISOString();
  await h.database.db
    .insertInto('tickets')
    .values({
      id,
      organization_id: organizationId,
      customer_id: customerId,
      device_id: fields.deviceId ?? null,
      category_id: null,
      title: fields.title,
      description: '',
      priority: fields.priority ?? 'medium',
      status: fields.status ?? 'open',
      channel: 'api',
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const [position, content] of (fields.messages ?? []).entries()) {
    await h.database.db
      .insertInto('ticket_messages')
      .values({ id: newId(), organization_id: organizationId, ticket_id: id, position, role: 'customer', content, created_at: now })
      .execute();
  }
  return id;
}

export async function createCustomerViaExt(h: Harness, apiKey: string, email: string, name?: string): Promise<string> {
  const res = await h.extPost('/customer/createOrUpdateCustomer', apiKey, { email, ...(name ? { name } : {}) });
  if (res.statusCode !== 200) throw new Error(`customer create failed: ${res.body}`);
  return (res.json() as { telemetronCustomerId: string }).telemetronCustomerId;
}
