// /api/v1/webhooks as the webhook tests call it: an organization with its API key, and the endpoints it adds.
import assert from 'node:assert/strict';
import type { Harness } from './harness.js';

/** A new organization, and a call to /api/v1 with its API key. */
export async function apiV1Org(h: Harness) {
  const { organizationId, apiKey } = await h.newOrg();
  const headers = { 'x-api-key': apiKey };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    h.request({ method, url: `/api/v1${url}`, headers, ...(body !== undefined ? { body } : {}) });
  return { organizationId, apiKey, call };
}

export type ApiV1Org = Awaited<ReturnType<typeof apiV1Org>>;

/** Adds a webhook endpoint, which must be created (201), and returns its id and its secret. */
export async function createWebhook(o: ApiV1Org, url: string, extra: Record<string, unknown> = {}) {
  const res = await o.call('POST', '/webhooks', { url, ...extra });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; secret: string };
}
