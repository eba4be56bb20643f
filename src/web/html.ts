// Escaped-by-default HTML templates. Interpolated values are escaped unless they are already `Html` (the result of
// another `html` template, or of `raw` for the few trusted constants). Arrays are joined; null/undefined/false
// render nothing.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup; never pass anything derived from a request. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** A query string from the present, non-empty values. */
export function queryString(params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `2026-11-22T12:00:00.000Z` → `2026-11-22 12:00 UTC`, inside a <time> element carrying the exact value. */
export function time(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">never</span>`;
  const shown = iso.replace('T', ' ').replace(/:\d{2}\.\d{3}Z$/, ' UTC');
  return html`<time datetime="${iso}">${shown}</time>`;
}
