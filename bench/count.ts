// `npm run bench -- --count N`: the HTTP scenarios' instructions per request instead of their time, on Telemap and
// on the floor, both under valgrind's callgrind (bench/instruction-count.ts has why and how).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, startFloor } from './http.js';
import { apiHeaders, floorHeaders, httpScenarios, probe, type Scenario } from './http-scenarios.js';
import { countInstructions, valgrindAvailable } from './instruction-count.js';
import type { LoadResult } from './load.js';
import { rssMb, stopAllProcesses } from './processes.js';
import { fileTime, machine, writeResult } from './results.js';
import { buildDist, startSeededServer, type SeededServer } from './seeded-server.js';
import { printInstructionTable, type Row } from './tables.js';

export interface CountBenchOptions {
  dialect: 'sqlite' | 'postgres';
  seed: number;
  /** Requests per counted batch (a hundredth of it for bulk scenarios). */
  requests: number;
  only?: string[];
  logLevel: string;
  skipBuild: boolean;
  /** Written into the result as the timed runs write them, though counting does not use them. */
  recorded: { durationSeconds: number; warmupSeconds: number; connections: number; rounds: number };
}

interface CountTarget {
  url: string;
  headers: Record<string, string>;
  /** The process running under callgrind. */
  pid: number;
}

export async function runCountBench(options: CountBenchOptions): Promise<void> {
  if (!valgrindAvailable()) throw new Error('--count needs valgrind (apt-get install valgrind)');
  if (!options.skipBuild) buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'telemap-bench-callgrind-'));
  let server: SeededServer | undefined;
  try {
    server = await startSeededServer({ dialect: options.dialect, count: options.seed, name: 'telemap', logLevel: options.logLevel, callgrindDir: dir });
    const { seeded, base } = server;
    const floor = await startFloor(dir);
    const rssAtStart = rssMb(server.process.pid!);
    const rows: Row[] = [];
    for (const scenario of httpScenarios(seeded, options.only)) {
      const check = await probe(base, seeded.apiKey, scenario);
      if (check.status !== 200) throw new Error(`${scenario.name}: probe answered ${check.status} ${check.body.slice(0, 300)}`);
      if (scenario.background) {
        // Counting sends one request at a time; a background load would make the count timing's again.
        console.log(`SKIPPED ${scenario.name}: --count does not run scenarios with a background load`);
        continue;
      }
      rows.push(
        countedRow(
          scenario,
          options.requests,
          dir,
          { url: base, headers: apiHeaders(seeded.apiKey), pid: server.process.pid! },
          { url: floor.base, headers: floorHeaders(check.bytes), pid: floor.process.pid! },
          check.bytes,
        ),
      );
    }
    const rssAtEnd = rssMb(server.process.pid!);
    await server.stop();
    printInstructionTable(rows);

    const at = new Date().toISOString();
    writeResult(`${fileTime(at)}-${options.dialect}-${options.seed}-count.json`, {
      at,
      db: options.dialect,
      seed: options.seed,
      ...options.recorded,
      count: options.requests,
      logLevel: options.logLevel,
      machine: machine(),
      serverRssMb: { start: rssAtStart.rss, end: rssAtEnd.rss, peak: rssAtEnd.peak },
      rows,
    });
  } finally {
    await server?.stop();
    // valgrind writes a last dump as each server exits; the directory goes once they have.
    await stopAllProcesses();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A scenario's instructions per request on Telemap and on the floor. */
function countedRow(scenario: Scenario, requests: number, dir: string, telemap: CountTarget, floor: CountTarget, responseBytes: number): Row {
  const amount = scenario.kind === 'bulk' ? Math.max(10, Math.round(requests / 100)) : requests;
  // One request at a time: under concurrent load, how many requests a server reads per turn of its event loop (and
  // so what it spends per request) depends on timing, and the counts moved by 10-20% between runs.
  const sequential = 1;
  const perRequest = (target: CountTarget, name: string): number => {
    const send = () =>
      runLoad({ url: target.url, method: scenario.method, headers: target.headers, paths: scenario.paths, bodies: scenario.bodies, connections: sequential, durationSeconds: 0, amount });
    // Warm-up: V8 compiles optimized code in the background, and under valgrind it arrived late and at varying
    // points; after a single batch of warm-up, the first scenario's counts moved by up to a third between runs.
    for (let batch = 0; batch < 3; batch++) send();
    // Three counted batches, and the median: a major garbage collection that falls into one batch moved a single
    // batch's count by up to 50%, on the floor as much as on Telemap.
    const batches: number[] = [];
    for (let batch = 0; batch < 3; batch++) {
      let result!: LoadResult;
      const instructions = countInstructions(dir, name, target.pid, () => (result = send()));
      const failed = result.non2xx + result.errors;
      if (failed > 0) throw new Error(`${scenario.name}: ${failed} failed requests while counting`);
      batches.push(instructions / result.total);
    }
    return Math.round(batches.sort((a, b) => a - b)[1]!);
  };
  process.stdout.write(`${scenario.name}: 3 × ${amount} requests to warm up and 3 × ${amount} counted, telemap, `);
  const telemapCount = perRequest(telemap, 'telemap');
  process.stdout.write('floor, ');
  const floorCount = perRequest(floor, 'floor');
  console.log(`${telemapCount} instructions per request (floor ${floorCount})`);
  return {
    scenario: scenario.name,
    kind: scenario.kind,
    connections: sequential,
    responseBytes,
    instructionsPerRequest: telemapCount,
    floorInstructionsPerRequest: floorCount,
    instructionRatio: Math.round((floorCount / telemapCount) * 100) / 100,
  };
}
