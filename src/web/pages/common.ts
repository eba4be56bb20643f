import { DEFAULT_PAGE_SIZE, MAX_SEARCH_LENGTH } from '../../domain/dashboard/cursor.js';
import { isDomainError } from '../../domain/errors.js';
import { isUuid } from '../../domain/ids.js';
import { html, type Html } from '../html.js';
import { statusLabel } from '../layout.js';

export const PAGE_SIZE = DEFAULT_PAGE_SIZE;

/** A valid id from a path parameter, lower-cased, or null (rendered as "not found"). */
export function idParam(params: unknown, name = 'id'): string | null {
  const value = (params as Record<string, unknown>)[name];
  return typeof value === 'string' && isUuid(value) ? value.toLowerCase() : null;
}

/** A cursor that is not one of ours restarts the list instead of failing the page. */
export async function withCursorFallback<T>(cursor: string | undefined, load: (cursor: string | undefined) => Promise<T>): Promise<T> {
  try {
    return await load(cursor);
  } catch (error) {
    if (cursor && isDomainError(error, 'invalid_input')) return load(undefined);
    throw error;
  }
}

export function statusBadge(status: string): Html {
  return html`<span class="badge status-${status}">${statusLabel(status)}</span>`;
}

export function priorityBadge(priority: string): Html {
  return html`<span class="badge priority-${priority}">${priority}</span>`;
}

export function options(values: readonly string[], selected: string | undefined, anyLabel?: string): Html {
  return html`${anyLabel !== undefined ? html`<option value=""${selected ? '' : html` selected`}>${anyLabel}</option>` : ''}${values.map(
    (v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${statusLabel(v)}</option>`,
  )}`;
}

export function metadataBlock(metadata: Record<string, unknown>): Html {
  if (Object.keys(metadata).length === 0) return html`<p class="muted">No metadata.</p>`;
  return html`<pre>${JSON.stringify(metadata, null, 2)}</pre>`;
}

/** A list page's search text: trimmed, cut to the limit, NUL removed (a page corrects input rather than fail). */
export function pageSearch(raw: string | undefined): string | undefined {
  const q = raw?.replaceAll('\0', '').trim().slice(0, MAX_SEARCH_LENGTH).trim();
  return q || undefined;
}
