// Who is signed in, and the guards pages use. The session cookie is HttpOnly and SameSite=Lax (Secure when
// configured); every state-changing form carries the session's CSRF token in a hidden `_csrf` field.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { SESSION_TTL_MS, type SessionUser } from '../domain/sessions/service.js';
import { clearCookie, setCookie } from './cookies.js';
import { sendPage } from './layout.js';
import { html } from './html.js';

export const SESSION_COOKIE = 'telemap_session';
/** Double-submit token of the sign-in form, which has no session yet to derive one from. */
export const LOGIN_CSRF_COOKIE = 'telemap_login_csrf';

declare module 'fastify' {
  interface FastifyRequest {
    webUser: SessionUser | null;
    /** The raw session token from the cookie, when it resolved to a session. */
    webSessionToken: string | null;
  }
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  setCookie(reply, SESSION_COOKIE, token, {
    secure: config.secureCookies,
    sameSite: 'Lax',
    maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  clearCookie(reply, SESSION_COOKIE, { secure: config.secureCookies, sameSite: 'Lax' });
}

/** Where sign-in leads when `next` is absent or unusable. */
export const INBOX_PATH = '/tickets';
// An origin no request can name: `next` is resolved against it, as a browser would resolve it against this server.
const OWN_ORIGIN = 'http://telemap.invalid';

/**
 * Where to come back after signing in: a path on this server, never another site. `next` is parsed as a browser
 * parses a Location (which drops tabs and newlines and reads `\` as `/`, so `/\t/evil.example` means
 * `//evil.example`) and kept only when it stays on this origin. The result is the parser's serialization:
 * percent-encoded ASCII, which a Location header can carry whatever characters `next` held.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/')) return INBOX_PATH;
  let url: URL;
  try {
    url = new URL(value, OWN_ORIGIN);
  } catch {
    return INBOX_PATH;
  }
  if (url.origin !== OWN_ORIGIN) return INBOX_PATH;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` normalizes to a path starting `//`, which as a Location would name a host.
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\')) return INBOX_PATH;
  return path;
}

/** The signed-in user, or a redirect to the sign-in page (GET) / 303 to it (other methods); null means "handled". */
export function requireUser(request: FastifyRequest, reply: FastifyReply): SessionUser | null {
  if (request.webUser) return request.webUser;
  const next = request.method === 'GET' ? request.url : '/tickets';
  void reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  return null;
}

/** Like requireUser, and the user must be an admin: agents get a 403 page that says why. */
export function requireAdmin(request: FastifyRequest, reply: FastifyReply): SessionUser | null {
  const user = requireUser(request, reply);
  if (!user) return null;
  if (user.role === 'admin') return user;
  sendPage(reply, {
    title: 'Admins only',
    user,
    status: 403,
    body: html`<h1>Admins only</h1><p>This page is for administrators of ${user.organizationName}. Ask an admin for access, or go back to the <a href="/tickets">ticket inbox</a>.</p>`,
  });
  return null;
}

export function notFoundPage(reply: FastifyReply, user: SessionUser | null, what: string, back: { href: string; label: string }) {
  return sendPage(reply, {
    title: `${what} not found`,
    user,
    status: 404,
    body: html`<h1>${what} not found</h1><p>It does not exist in your organization. Go back to <a href="${back.href}">${back.label}</a>.</p>`,
  });
}

/** The form body as a map of strings (the form parser produces one). */
export function formOf(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Record<string, string>) : {};
}

export function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  const query = request.query as Record<string, unknown> | undefined;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query ?? {})) out[k] = typeof v === 'string' ? v : undefined;
  return out;
}
