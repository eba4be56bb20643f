// One ingest load run in its own process (as bench/load.ts, which sends one set of headers for every request):
// each request here carries its own headers and body, so that the device path sends each device's own token.
//   node --import tsx bench/ingest-load.ts <scenario.json>
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface IngestLoadScenario {
  url: string;
  path: string;
  connections: number;
  durationSeconds: number;
  /** Cycled through, one per request. */
  requests: Array<{ headers: Record<string, string>; body: string }>;
}

export interface IngestLoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

const scenario = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as IngestLoadScenario;
let i = 0;
const result = await autocannon({
  url: scenario.url,
  connections: scenario.connections,
  duration: scenario.durationSeconds,
  timeout: 30,
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        const next = scenario.requests[i++ % scenario.requests.length]!;
        request.path = scenario.path;
        request.headers = next.headers;
        request.body = next.body;
        return request;
      },
    },
  ],
});
const out: IngestLoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
console.log(JSON.stringify(out));
