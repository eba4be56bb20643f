// A small chart drawn on the server as inline SVG: no script, no style attribute, so it passes the dashboard's
// Content-Security-Policy as it is, and it needs nothing from the internet.
import { html, type Html } from '../html.js';

const WIDTH = 480;
const HEIGHT = 120;
const PAD = 6;

/** A line over `points` ([ts ms, value]) with a marker at `markTs`; empty when there are fewer than two points. */
export function sparkline(points: ReadonlyArray<readonly [number, number]>, markTs: number | null, label: string): Html {
  if (points.length < 2) return html`<p class="muted">Not enough readings around this moment to draw a chart.</p>`;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0 || 1)) * (WIDTH - 2 * PAD);
  const sy = (y: number) => HEIGHT - PAD - ((y - y0) / (y1 - y0 || 1)) * (HEIGHT - 2 * PAD);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
  const mark = markTs !== null && markTs >= x0 && markTs <= x1 ? sx(markTs).toFixed(1) : null;
  return html`<figure class="sparkline">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" height="${HEIGHT}" role="img" aria-label="${label}" preserveAspectRatio="none">
  ${mark ? html`<line x1="${mark}" x2="${mark}" y1="0" y2="${HEIGHT}" stroke="#c0392b" stroke-width="1" stroke-dasharray="4 3"></line>` : ''}
  <path d="${path}" fill="none" stroke="#1f5fae" stroke-width="2"></path>
</svg>
<figcaption class="muted">${label}: min ${String(y0)}, max ${String(y1)} over ${points.length} readings${mark ? '; the dashed line is when the alert opened' : ''}.</figcaption>
</figure>`;
}
