/// <reference lib="dom" />
// The device page's chart script: one uPlot chart per numeric key, from the readings the page carries in a
// <script type="application/json" id="telemetry-data"> block (data, not code: the CSP allows no inline script).
// Served as `(${drawTelemetryCharts})()`, so keep it self-contained (no imports, no closures over module values).
export function drawTelemetryCharts(): void {
  interface UPlotConstructor {
    new (options: unknown, data: unknown, target: HTMLElement): { setSize(size: { width: number; height: number }): void };
  }
  const source = document.getElementById('telemetry-data');
  const uPlot = (window as unknown as { uPlot?: UPlotConstructor }).uPlot;
  if (!source || !uPlot) return;
  const series = JSON.parse(source.textContent ?? '{}') as Record<string, Array<[number, number]>>;
  const charts: Array<{ chart: { setSize(size: { width: number; height: number }): void }; target: HTMLElement }> = [];
  const height = 220;
  document.querySelectorAll<HTMLElement>('[data-chart-key]').forEach((target) => {
    const key = target.dataset.chartKey ?? '';
    const points = series[key] ?? [];
    const xs = points.map((p) => p[0] / 1000);
    const ys = points.map((p) => p[1]);
    const options = {
      width: Math.max(200, target.clientWidth),
      height,
      series: [{}, { label: key, stroke: '#0550ae', width: 1.5, points: { show: points.length < 60 } }],
      axes: [{}, { size: 60 }],
      legend: { show: true },
    };
    target.textContent = '';
    charts.push({ chart: new uPlot(options, [xs, ys], target), target });
  });
  window.addEventListener('resize', () => {
    for (const { chart, target } of charts) chart.setSize({ width: Math.max(200, target.clientWidth), height });
  });
}
