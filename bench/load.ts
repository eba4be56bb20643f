// One load run, in its own process so that the load generator does not share an event loop with the
// orchestrator: reads a scenario file (JSON), drives it with autocannon and prints the result as one JSON line.
//   node --import tsx bench/load.ts <scenario.json>
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** What is sent, and over how many connections. */
export interface Requests {
  method: 'GET' | 'POST';
  /** Paths to cycle through (one per request). */
  paths: string[];
  /** Bodies to cycle through, or none. */
  bodies?: string[];
  connections: number;
}

export interface LoadScenario extends Requests {
  url: string;
  headers: Record<string, string>;
  /** Runs for this long, unless `amount` is given. */
  durationSeconds: number;
  /** Sends exactly this many requests instead of running for a time (`--count`). */
  amount?: number;
  /** Other requests sent at the same time, to the same server, for as long; only the scenario's own are reported. */
  background?: Requests;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  total: number;
  non2xx: number;
  errors: number;
  /** Requests/s of the background load, when there was one. */
  backgroundRequestsPerSecond?: number;
}

const scenario = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadScenario;

function drive(requests: Requests) {
  let i = 0;
  return autocannon({
    url: scenario.url,
    connections: requests.connections,
    ...(scenario.amount === undefined ? { duration: scenario.durationSeconds } : { amount: scenario.amount }),
    timeout: 30,
    requests: [
      {
        method: requests.method,
        headers: scenario.headers,
        setupRequest: (request) => {
          const n = i++;
          request.path = requests.paths[n % requests.paths.length];
          if (requests.bodies) request.body = requests.bodies[n % requests.bodies.length];
          return request;
        },
      },
    ],
  });
}

const [result, background] = await Promise.all([drive(scenario), scenario.background ? drive(scenario.background) : undefined]);
const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  p999: result.latency.p99_9,
  total: result.requests.total,
  non2xx: result.non2xx + (background?.non2xx ?? 0),
  errors: result.errors + result.timeouts + (background ? background.errors + background.timeouts : 0),
  ...(background ? { backgroundRequestsPerSecond: background.requests.average } : {}),
};
console.log(JSON.stringify(out));
