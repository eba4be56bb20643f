// The alert part of an alert ticket's page: the alert, its diagnosis, and the reading around the moment it fired.
import type { Db } from '../../db/connect.js';
import { READING_KIND } from '../../db/schema.js';
import { getAlert, type AlertView } from '../../domain/alerts/view.js';
import { html, time, type Html } from '../html.js';
import { sparkline } from './sparkline.js';

const AROUND_MS = 60 * 60 * 1000;
const MAX_POINTS = 500;

export async function alertPanel(db: Db, organizationId: string, ticketId: string): Promise<Html> {
  const row = await db.selectFrom('tickets').select('alert_id').where('organization_id', '=', organizationId).where('id', '=', ticketId).executeTakeFirst();
  if (!row?.alert_id) return html``;
  const alert = await getAlert(db, organizationId, row.alert_id);
  if (!alert) return html``;
  return html`<section class="card alert-panel" aria-labelledby="alert-h">
  <h2 id="alert-h">Alert: ${alert.ruleName}</h2>
  ${alertFacts(alert)}
  <h3>Diagnosis <span class="muted">(${alert.diagnosis.source === 'llm' ? 'written by the model' : 'from the rules'})</span></h3>
  <p><strong>${alert.diagnosis.summary}</strong></p>
  <pre class="diagnosis">${alert.diagnosis.details}</pre>
  ${await readingChart(db, organizationId, alert)}
</section>`;
}

export function alertFacts(alert: AlertView): Html {
  return html`<dl class="fields">
    <dt>Status</dt><dd><span class="badge alert-${alert.status}">${alert.status}</span> <span class="badge severity-${alert.severity}">${alert.severity}</span>${alert.acknowledgedAt ? html` · acknowledged ${time(alert.acknowledgedAt)}` : ''}</dd>
    <dt>Device</dt><dd><a href="/devices/${alert.deviceId}">${alert.deviceIdentifier}</a> ${alert.deviceType ? html`<span class="muted">${alert.deviceType}</span>` : ''}</dd>
    <dt>Opened</dt><dd>${time(alert.openedAt)} · triggered ${alert.triggerCount} time${alert.triggerCount === 1 ? '' : 's'}, last ${time(alert.lastTriggeredAt)}</dd>
    ${alert.clearedAt ? html`<dt>Cleared</dt><dd>${time(alert.clearedAt)}</dd>` : ''}
    <dt>Reading</dt><dd>${alert.reading ? html`${alert.reading.key} = ${String(alert.reading.value)} at ${time(new Date(alert.reading.ts).toISOString())}` : html`<span class="muted">none</span>`}</dd>
    <dt>Owners when it opened</dt><dd>${
      alert.owners.length === 0
        ? html`<span class="muted">nobody</span>`
        : alert.owners.map((o, i) => html`${i > 0 ? ', ' : ''}<a href="/customers/${o.customerId}">${o.name || o.email}</a>`)
    }</dd>
  </dl>`;
}

async function readingChart(db: Db, organizationId: string, alert: AlertView): Promise<Html> {
  const reading = alert.reading;
  if (!reading || typeof reading.value !== 'number') return html``;
  const rows = await db
    .selectFrom('readings')
    .innerJoin('telemetry_series', 'telemetry_series.id', 'readings.series_id')
    .select(['readings.ts', 'readings.num'])
    .where('telemetry_series.organization_id', '=', organizationId)
    .where('telemetry_series.device_id', '=', alert.deviceId)
    .where('telemetry_series.key', '=', reading.key)
    .where('readings.kind', '=', READING_KIND.number)
    .where('readings.ts', '>=', reading.ts - AROUND_MS)
    .where('readings.ts', '<=', reading.ts + AROUND_MS)
    .orderBy('readings.ts')
    .limit(MAX_POINTS)
    .execute();
  const points = rows.filter((r) => r.num !== null).map((r) => [Number(r.ts), Number(r.num)] as const);
  return html`<h3>${reading.key} around the alert</h3>${sparkline(points, reading.ts, `${reading.key} an hour either side of the alert`)}`;
}
