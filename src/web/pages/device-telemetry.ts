// The telemetry part of a device's page: latest readings, a chart per numeric key over a chosen range, ingest
// errors, and (for admins) the device token. The token is shown in the response to the POST that issued it only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DomainContext } from '../../domain/context.js';
import { getDevice } from '../../domain/dashboard/queries.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import { issueDeviceToken, revokeDeviceToken, type IssuedDeviceToken } from '../../domain/telemetry/device-tokens.js';
import { latestReadings, readingHistory } from '../../domain/telemetry/read.js';
import { deviceTelemetryStatus } from '../../domain/telemetry/status.js';
import { CHART_ASSET_VERSION, TELEMETRY_SCRIPT, UPLOT_SCRIPT, UPLOT_STYLESHEET } from '../chart-assets.js';
import { html, raw, time, type Html } from '../html.js';
import type { WebDeps } from '../plugin.js';
import { notFoundPage, queryOf, requireAdmin } from '../session.js';
import { idParam } from './common.js';

const HOUR_MS = 3_600_000;
export const RANGES: ReadonlyArray<readonly [string, string, number]> = [
  ['1h', 'Last hour', HOUR_MS],
  ['6h', 'Last 6 hours', 6 * HOUR_MS],
  ['24h', 'Last 24 hours', 24 * HOUR_MS],
  ['7d', 'Last 7 days', 7 * 24 * HOUR_MS],
  ['30d', 'Last 30 days', 30 * 24 * HOUR_MS],
];
const DEFAULT_RANGE = '24h';
/** Points per chart: about one per pixel of a wide screen. */
const CHART_POINTS = 1000;

/** The page's extra head: uPlot's stylesheet and script, and the chart script. */
export function telemetryHead(): Html {
  const v = CHART_ASSET_VERSION;
  return html`<link rel="stylesheet" href="/assets/uplot.css?v=${v}">
<script src="/assets/uplot.js?v=${v}" defer></script>
<script src="/assets/telemetry.js?v=${v}" defer></script>`;
}

function formatValue(value: number | boolean | string): string {
  return typeof value === 'string' ? value : String(value);
}

/** JSON inside a <script type="application/json"> block: `<` escaped so the text can never close the element. */
function jsonBlock(id: string, value: unknown): Html {
  return raw(`<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`);
}

export async function telemetrySection(
  ctx: DomainContext,
  request: FastifyRequest,
  user: SessionUser,
  deviceId: string,
  issued?: IssuedDeviceToken,
): Promise<Html> {
  const rangeName = RANGES.find(([name]) => name === queryOf(request).range)?.[0] ?? DEFAULT_RANGE;
  const rangeMs = RANGES.find(([name]) => name === rangeName)![2];
  const now = ctx.clock.now().getTime();
  const [status, latest, history] = await Promise.all([
    deviceTelemetryStatus(ctx, user.organizationId, deviceId),
    latestReadings(ctx, user.organizationId, deviceId),
    readingHistory(ctx, user.organizationId, deviceId, { from: now - rangeMs, to: now, maxPoints: CHART_POINTS }),
  ]);
  const numeric: Record<string, [number, number][]> = {};
  for (const [key, points] of Object.entries(history.data)) {
    const numbers = points.filter((point): point is [number, number] => typeof point[1] === 'number');
    if (numbers.length > 0) numeric[key] = numbers;
  }
  const keys = Object.keys(latest);
  const chartKeys = Object.keys(numeric);
  return html`<section aria-labelledby="telemetry-h">
<h2 id="telemetry-h">Telemetry</h2>
<p>Last seen: ${time(status?.lastSeenAt)}</p>
${
  keys.length === 0
    ? html`<div class="empty"><p>No readings yet. Issue a device token below and post readings to <code>/api/v1/telemetry</code> (see docs/telemetry.md).</p></div>`
    : html`<div class="table-wrap"><table aria-labelledby="telemetry-h" id="latest-readings"><thead><tr><th scope="col">Key</th><th scope="col">Latest value</th><th scope="col">At</th></tr></thead>
<tbody>${keys.map((key) => html`<tr><td><code>${key}</code></td><td>${formatValue(latest[key]!.value)}</td><td>${time(new Date(latest[key]!.ts).toISOString())}</td></tr>`)}</tbody></table></div>`
}
<h3 id="charts-h">Charts</h3>
<form method="get" action="/devices/${deviceId}" class="filters" aria-labelledby="charts-h">
  <div class="field"><label for="range">Range</label><select id="range" name="range">${RANGES.map(
    ([name, label]) => html`<option value="${name}"${name === rangeName ? html` selected` : ''}>${label}</option>`,
  )}</select></div>
  <button type="submit" class="secondary">Show</button>
</form>
${
  chartKeys.length === 0
    ? html`<p class="muted">No numeric readings in this range.</p>`
    : html`<div class="charts">${chartKeys.map(
        (key) => html`<figure class="chart"><figcaption><code>${key}</code>${history.downsampled ? html` <span class="muted">(reduced to the lowest and highest reading of each interval)</span>` : ''}</figcaption>
<div class="chart-area" data-chart-key="${key}"><p class="muted">${numeric[key]!.length} readings (the chart needs JavaScript).</p></div></figure>`,
      )}</div>
${jsonBlock('telemetry-data', numeric)}`
}
</section>
<section aria-labelledby="ingest-errors-h">
<h2 id="ingest-errors-h">Ingest errors</h2>
${
  !status || status.ingestErrorCount === 0
    ? html`<p class="muted">No refused or dropped readings.</p>`
    : html`<dl class="fields" id="ingest-errors">
  <dt>Refused or dropped</dt><dd>${status.ingestErrorCount}</dd>
  <dt>Last error</dt><dd>${status.lastIngestError ?? ''}</dd>
  <dt>At</dt><dd>${time(status.lastIngestErrorAt)}</dd>
</dl>`
}
</section>
${user.role === 'admin' ? tokenSection(user, deviceId, status?.tokenCreatedAt ?? null, issued) : ''}`;
}

function tokenSection(user: SessionUser, deviceId: string, tokenCreatedAt: string | null, issued?: IssuedDeviceToken): Html {
  return html`<section aria-labelledby="token-h">
<h2 id="token-h">Device token</h2>
${
  issued
    ? html`<div class="secret-box">
  <p><strong>Copy the device token now:</strong> this is the only time it is shown. Telemap stores only a hash of it.</p>
  <div class="secret-row">
    <label for="device-token" class="visually-hidden">Device token</label>
    <input type="text" id="device-token" readonly value="${issued.token}" spellcheck="false" autocomplete="off">
    <button type="button" data-copy-target="device-token" data-copy-status="token-copy-status" hidden>Copy</button>
  </div>
  <p id="token-copy-status" role="status" class="muted"></p>
</div>`
    : ''
}
<p>${tokenCreatedAt ? html`A token issued ${time(tokenCreatedAt)} is live.` : html`This device has no live token.`} The device sends it as <code>Authorization: Bearer tlmd_…</code> to <code>/api/v1/telemetry</code>.</p>
<div class="actions">
  <form method="post" action="/devices/${deviceId}/token" class="inline">
    <input type="hidden" name="_csrf" value="${user.csrfToken}">
    <button type="submit"${tokenCreatedAt ? html` class="secondary"` : ''}>${tokenCreatedAt ? 'Issue a new token (ends the current one)' : 'Issue a token'}</button>
  </form>
  ${
    tokenCreatedAt
      ? html`<form method="post" action="/devices/${deviceId}/token/revoke" class="inline">
    <input type="hidden" name="_csrf" value="${user.csrfToken}">
    <button type="submit" class="danger">Revoke the token</button>
  </form>`
      : ''
  }
</div>
</section>`;
}

export type RenderDevicePage = (
  request: FastifyRequest,
  reply: FastifyReply,
  user: SessionUser,
  deviceId: string,
  extra?: { issued?: IssuedDeviceToken; notice?: { kind: 'ok' | 'error'; text: string } },
) => Promise<FastifyReply>;

export function registerDeviceTelemetryRoutes(app: FastifyInstance, { ctx }: WebDeps, renderDevicePage: RenderDevicePage): void {
  const asset = (type: string, body: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).header('cache-control', 'public, max-age=86400').header('etag', `"${CHART_ASSET_VERSION}"`).send(body);
  app.get('/assets/uplot.js', { schema: { hide: true } }, asset('text/javascript; charset=utf-8', UPLOT_SCRIPT));
  app.get('/assets/uplot.css', { schema: { hide: true } }, asset('text/css; charset=utf-8', UPLOT_STYLESHEET));
  app.get('/assets/telemetry.js', { schema: { hide: true } }, asset('text/javascript; charset=utf-8', TELEMETRY_SCRIPT));

  // The new token is rendered in the response to the POST itself (no redirect), so it is never shown twice.
  app.post('/devices/:id/token', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id || !(await getDevice(ctx.database.db, user.organizationId, id))) {
      return notFoundPage(reply, user, 'Device', { href: '/devices', label: 'the devices' });
    }
    const issued = await issueDeviceToken(ctx, user.organizationId, id);
    reply.header('cache-control', 'no-store');
    return renderDevicePage(request, reply, user, id, { issued, notice: { kind: 'ok', text: 'Device token issued; any previous token of this device no longer works.' } });
  });

  app.post('/devices/:id/token/revoke', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id || !(await getDevice(ctx.database.db, user.organizationId, id))) {
      return notFoundPage(reply, user, 'Device', { href: '/devices', label: 'the devices' });
    }
    const revoked = await revokeDeviceToken(ctx, user.organizationId, id);
    return renderDevicePage(request, reply, user, id, {
      notice: revoked ? { kind: 'ok', text: 'Device token revoked: its readings are refused from now on.' } : { kind: 'error', text: 'This device had no live token.' },
    });
  });
}
