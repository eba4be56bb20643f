// One load run, in its own process so that the load generator does not share an event loop with the
// orchestrator: reads a scenario file (JSON), drives it with autocannon and prints the result as one JSON line.
//   node --import tsx bench/load.ts <scenario.json>
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadScenario {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Paths to cycle through (one per request). */
  paths: string[];
  /** Bodies to cycle through, or none. */
  bodies?: string[];
  connections: number;
  /** Runs for this long, unless `amount` is given. */
  durationSeconds: number;
  /** Sends exactly this many requests instead of running for a time (`--count`). */
  amount?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

const scenario = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadScenario;
let i = 0;
const result = await autocannon({
  url: scenario.url,
  connections: scenario.connections,
  ...(scenario.amount === undefined ? { duration: scenario.durationSeconds } : { amount: scenario.amount }),
  timeout: 30,
  requests: [
    {
      method: scenario.method,
      headers: scenario.headers,
      setupRequest: (request) => {
        const n = i++;
        request.path = scenario.paths[n % scenario.paths.length];
        if (scenario.bodies) request.body = scenario.bodies[n % scenario.bodies.length];
        return request;
      },
    },
  ],
});
const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
console.log(JSON.stringify(out));
