// A batch for many devices, named by identifier: resolved to the organization's devices, then stored in one
// transaction. An identifier that is not the organization's refuses the whole batch (nothing is created silently),
// and a refused batch counts as an ingest error on each known device it named.
import type { DomainContext } from '../context.js';
import type { DomainError } from '../errors.js';
import type { ParsedBatch } from './batch.js';
import { ingestReadings } from './ingest.js';
import { recordIngestErrors } from './ingest-errors.js';
import { invalid } from './validate.js';

/** How many unknown identifiers a refusal names. */
const NAMED_UNKNOWN = 10;
/** Identifiers per lookup: under SQLite's bound on parameters with room to spare. */
const LOOKUP_CHUNK = 5000;

export async function ingestBatch(ctx: DomainContext, organizationId: string, parsed: ParsedBatch): Promise<number> {
  if (!parsed.ok) {
    const known = await devicesByIdentifier(ctx, organizationId, parsed.identifiers);
    await recordIngestErrors(ctx, organizationId, [...known.values()], refusalMessage(parsed.error));
    throw parsed.error;
  }
  const identifiers = [...parsed.byIdentifier.keys()];
  const known = await devicesByIdentifier(ctx, organizationId, identifiers);
  const unknown = identifiers.filter((identifier) => !known.has(identifier));
  if (unknown.length > 0) {
    const named = unknown.slice(0, NAMED_UNKNOWN).map((identifier) => JSON.stringify(identifier)).join(', ');
    const more = unknown.length > NAMED_UNKNOWN ? ` and ${unknown.length - NAMED_UNKNOWN} more` : '';
    const error = invalid('devices', `not found in the organization: ${named}${more} (register devices through /api/ext-v1 first)`);
    await recordIngestErrors(ctx, organizationId, [...known.values()], refusalMessage(error));
    throw error;
  }
  return ingestReadings(
    ctx,
    organizationId,
    identifiers.map((identifier) => ({ deviceId: known.get(identifier)!, readings: parsed.byIdentifier.get(identifier)! })),
  );
}

export function refusalMessage(error: DomainError): string {
  return error.problem.code === 'invalid_input' ? `${error.problem.field} ${error.problem.reason}` : error.problem.code;
}

async function devicesByIdentifier(ctx: DomainContext, organizationId: string, identifiers: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < identifiers.length; start += LOOKUP_CHUNK) {
    const rows = await ctx.database.db
      .selectFrom('devices')
      .select(['id', 'identifier'])
      .where('organization_id', '=', organizationId)
      .where('identifier', 'in', identifiers.slice(start, start + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) found.set(row.identifier, row.id);
  }
  return found;
}
