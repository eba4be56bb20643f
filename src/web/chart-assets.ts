// The device page's charts: uPlot (from the installed package, read once at start) and the small script that draws
// a chart per numeric key, all served by the process itself under /assets/: nothing comes from the internet, and
// the page's Content-Security-Policy (script-src 'self', style-src 'self') holds, since uPlot sets sizes through
// the CSSOM rather than style attributes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { drawTelemetryCharts } from './telemetry-client.js';

const require = createRequire(import.meta.url);

export const UPLOT_SCRIPT = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
// uPlot's own stylesheet, then the layout of the device page's charts.
export const UPLOT_STYLESHEET = `${readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')}
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:1rem; }
.chart { margin:0; border:1px solid #d0d7de; border-radius:8px; padding:.75rem; min-width:0; }
.chart figcaption { font-weight:600; margin-bottom:.5rem; }
.chart-area { min-height:220px; overflow:hidden; }
`;
// tsx may wrap named functions in `__name(...)`; the shim makes that a no-op (as in assets.ts).
export const TELEMETRY_SCRIPT = `"use strict";var __name=function(f){return f};(${drawTelemetryCharts.toString()})();\n`;

export const CHART_ASSET_VERSION = createHash('sha256').update(UPLOT_SCRIPT).update(UPLOT_STYLESHEET).update(TELEMETRY_SCRIPT).digest('hex').slice(0, 12);
