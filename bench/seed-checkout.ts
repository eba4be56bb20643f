// Seeds a benchmark database with another checkout's own code (`--compare-ref`, bench/ref-checkout.ts): its
// migrations, its bench/seed.ts. Runs in a process of its own, started in that checkout so that tsx and every module
// resolve there; imports nothing of this checkout. Prints what seed() returned as its last line of output.
//   node --import tsx <this file> <checkout dir> <DATABASE_URL> <customers> <sample size>
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dir, url, count, sampleSize] = process.argv.slice(2) as [string, string, string, string];

async function exported<T>(path: string, name: string): Promise<T> {
  const module = (await import(pathToFileURL(join(dir, path)).href)) as Record<string, unknown>;
  if (typeof module[name] !== 'function') throw new Error(`${dir}: ${path} does not export ${name}(), which seeding needs`);
  return module[name] as T;
}

type Database = { close(): Promise<void> };
const loadConfig = await exported<(env: Record<string, string>) => { database: unknown }>('src/config.ts', 'loadConfig');
const connectDatabase = await exported<(target: unknown) => Database>('src/db/connect.ts', 'connectDatabase');
const seed = await exported<(database: Database, count: number, sampleSize: number, progress: (done: number) => void) => Promise<unknown>>(
  'bench/seed.ts',
  'seed',
);

const database = connectDatabase(loadConfig({ DATABASE_URL: url }).database);
let lastLog = 0;
const seeded = await seed(database, Number(count), Number(sampleSize), (done) => {
  if (Date.now() - lastLog > 5000) {
    lastLog = Date.now();
    console.log(`  ${done} / ${count}`);
  }
});
await database.close();
console.log(JSON.stringify(seeded));
