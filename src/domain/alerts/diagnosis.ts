// The diagnosis every alert carries from the moment it opens, built from the database alone: what was measured
// against what, the key's last 24 hours, when the device was last seen, its type and metadata, and whether other
// devices of the type have the same alert open (one device, or a fleet problem).
import type { Db } from '../../db/connect.js';
import { READING_KIND } from '../../db/schema.js';
import type { Diagnosis } from './view.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DiagnosisInput {
  organizationId: string;
  ruleId: string;
  device: { id: string; identifier: string; type: string | null };
  /** The key the rule reads; null for inactivity. */
  key: string | null;
  /** What fired, in words: `temperature 75.5 > 70 for 10 min`. */
  comparison: string;
  nowMs: number;
}

function round(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

export async function buildDiagnosis(db: Db, input: DiagnosisInput): Promise<Diagnosis> {
  const { organizationId, device } = input;
  const details: string[] = [`Measured: ${input.comparison}.`];

  if (input.key !== null) {
    const stats = await db
      .selectFrom('readings')
      .innerJoin('telemetry_series', 'telemetry_series.id', 'readings.series_id')
      .select((eb) => [
        eb.fn.min('readings.num').as('min'),
        eb.fn.max('readings.num').as('max'),
        eb.fn.avg('readings.num').as('mean'),
        eb.fn.countAll().as('count'),
      ])
      .where('telemetry_series.organization_id', '=', organizationId)
      .where('telemetry_series.device_id', '=', device.id)
      .where('telemetry_series.key', '=', input.key)
      .where('readings.kind', '=', READING_KIND.number)
      .where('readings.ts', '>=', input.nowMs - DAY_MS)
      .executeTakeFirst();
    const count = Number(stats?.count ?? 0);
    details.push(
      count > 0
        ? `Last 24 h of ${input.key}: min ${round(Number(stats!.min))}, max ${round(Number(stats!.max))}, mean ${round(Number(stats!.mean))} over ${count} reading${count === 1 ? '' : 's'}.`
        : `No numeric readings of ${input.key} in the last 24 h.`,
    );
  }

  const row = await db
    .selectFrom('devices')
    .select(['last_seen_at', 'metadata'])
    .where('organization_id', '=', organizationId)
    .where('id', '=', device.id)
    .executeTakeFirst();
  details.push(`Last seen: ${row?.last_seen_at ?? 'never'}.`);
  const metadata = parseObject(row?.metadata);
  const facts = Object.entries(metadata)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .slice(0, 10)
    .map(([name, value]) => `${name} ${String(value)}`);
  details.push(`Type: ${device.type ?? 'none'}${facts.length > 0 ? `; ${facts.join(', ')}` : ''}.`);

  let others = db
    .selectFrom('alerts')
    .innerJoin('devices', 'devices.id', 'alerts.device_id')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('alerts.organization_id', '=', organizationId)
    .where('alerts.rule_id', '=', input.ruleId)
    .where('alerts.status', '=', 'open')
    .where('alerts.device_id', '!=', device.id);
  others = device.type === null ? others.where('devices.type', 'is', null) : others.where('devices.type', '=', device.type);
  const otherCount = Number((await others.executeTakeFirst())?.count ?? 0);
  details.push(
    otherCount === 0
      ? `No other ${device.type ?? 'untyped'} device has this alert open: it looks like this device alone.`
      : `${otherCount} other ${device.type ?? 'untyped'} device${otherCount === 1 ? ' has' : 's have'} this alert open: it may be a fleet problem.`,
  );

  return { summary: `${device.identifier}: ${input.comparison}`, details: details.join('\n'), source: 'rules' };
}

function parseObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The diagnosis as the first message of the alert's ticket. */
export function diagnosisMessage(diagnosis: Diagnosis): string {
  return `${diagnosis.summary}\n\n${diagnosis.details}`;
}
