// The HTTP benchmark's rows (as printed and as written to bench/results/) and the markdown tables they print as.

export interface Row {
  scenario: string;
  kind: string;
  connections: number;
  requestsPerSecond?: number;
  p50?: number;
  p99?: number;
  /** Requests/s of the scenario's background load (load.ts), when it has one. */
  backgroundRequestsPerSecond?: number;
  /** Of the median run. */
  non2xx?: number;
  errors?: number;
  /** Non-2xx answers, errors and timeouts over every measured run of the scenario, on every Telemap server. */
  failedRequests?: number;
  responseBytes?: number;
  floorRequestsPerSecond?: number;
  floorP50?: number;
  floorP99?: number;
  ratio?: number;
  /** The server's CPU time (user + system) per answered request: steadier than req/s on a noisy machine. */
  serverCpuMicrosPerRequest?: number;
  serverRssMb?: number;
  /** --count: user-space instructions per request of the server's main thread, of the floor's, and floor / server. */
  instructionsPerRequest?: number;
  floorInstructionsPerRequest?: number;
  instructionRatio?: number;
  /** --compare-seed, --compare-env, --compare-ref: the same scenario against the second server, in the same rounds. */
  compare?: ComparedRow;
}

export interface ComparedRow {
  seed: number;
  /** --compare-env: what the second server's environment added. */
  env: Record<string, string> | undefined;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ratio: number;
  serverCpuMicrosPerRequest: number;
  /** The median over rounds of (its requests/s ÷ the first server's in the same round) − 1. */
  change: number;
  /** Each round's change, in the order run. */
  changes: number[];
}

/** How the compared table heads the two servers' columns. */
export interface ComparedLabels {
  primary: string;
  compared: string;
}

export function printTable(rows: Row[]): void {
  const head = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'floor req/s', 'ratio', 'CPU µs/req', 'failed'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.connections),
    String(r.requestsPerSecond),
    String(r.p50),
    String(r.p99),
    String(r.floorRequestsPerSecond),
    r.ratio!.toFixed(2),
    String(r.serverCpuMicrosPerRequest),
    String(r.failedRequests),
  ]);
  printMarkdown(head, body);
}

export function printComparedTable(rows: Row[], labels: ComparedLabels): void {
  const head = [
    'scenario',
    `req/s, ${labels.primary}`,
    `req/s, ${labels.compared}`,
    'change (rounds)',
    `CPU µs/req, ${labels.primary}`,
    `CPU µs/req, ${labels.compared}`,
    'CPU ratio',
    `p99 ms, ${labels.compared}`,
  ];
  const body = rows
    .filter((r) => r.compare)
    .map((r) => {
      const c = r.compare!;
      const percent = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;
      const change = `${percent(c.change)} (${c.changes.map(percent).join(', ')})`;
      const cpuRatio = r.serverCpuMicrosPerRequest ? (c.serverCpuMicrosPerRequest / r.serverCpuMicrosPerRequest).toFixed(2) : '—';
      return [r.scenario, String(r.requestsPerSecond), String(c.requestsPerSecond), change, String(r.serverCpuMicrosPerRequest), String(c.serverCpuMicrosPerRequest), cpuRatio, String(c.p99)];
    });
  printMarkdown(head, body);
}

export function printInstructionTable(rows: Row[]): void {
  const head = ['scenario', 'conns', 'instructions/req', 'floor instructions/req', 'floor / telemap'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.connections),
    String(r.instructionsPerRequest),
    String(r.floorInstructionsPerRequest),
    r.instructionRatio!.toFixed(2),
  ]);
  printMarkdown(head, body);
}

export function printMarkdown(head: string[], body: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log('\n' + line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
  console.log();
}
