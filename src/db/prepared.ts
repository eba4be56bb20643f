// Hot paths (API-key lookup, the customer record, the ticket insert, customer updates) run the same query shape on
// every request. Kysely builds and compiles each query anew, which the benchmark's profile showed costing about as
// much as SQLite running it (for the 12-column ticket insert, a fifth of the whole request's instructions).
// `prepared` builds and compiles a query once per database, with placeholder values, and afterwards only swaps in
// the new values. Only for queries whose arguments are plain values bound as parameters: strings, or null for a
// nullable column (compiled with a placeholder string, so it is bound as a parameter like any other value).
//
// Templates are kept per dialect adapter rather than per Kysely instance: a transaction is a new instance on every
// call, but it shares its database's adapter and compiles every query exactly as the database does, so queries run
// inside transactions reuse the database's templates instead of being built anew each time.
import type { CompiledQuery, Compilable, DialectAdapter } from 'kysely';
import type { Db } from './database.js';

export type Argument = string | null;

export interface Template {
  compiled: CompiledQuery;
  /** For each parameter of the compiled query: the index of the argument that fills it, or -1 for a constant. */
  slots: number[];
}

export function prepared<R, A extends Argument[]>(
  build: (db: Db, ...args: A) => Compilable<R>,
): (db: Db, ...args: A) => Promise<R[]> {
  const templates = new WeakMap<DialectAdapter, Template>();
  return async (db, ...args) => {
    const template = templateFor(templates, db, build, args);
    const result = await db.executeQuery<R>({ ...template.compiled, parameters: bind(template, args) } as CompiledQuery<R>);
    return result.rows;
  };
}

export function templateFor<R, A extends Argument[]>(
  templates: WeakMap<DialectAdapter, Template>,
  db: Db,
  build: (db: Db, ...args: A) => Compilable<R>,
  args: A,
): Template {
  // getExecutor() is marked internal in Kysely's typings; it is the only handle a database shares with its
  // transactions. Plugins could change how a query compiles, so an executor with any is never given a template.
  const executor = db.getExecutor();
  const key = executor.plugins.length === 0 ? executor.adapter : undefined;
  const cached = key && templates.get(key);
  if (cached) return cached;
  const placeholders = args.map((_, i) => `\u0000prepared-argument-${i}\u0000`) as A;
  const compiled = build(db, ...placeholders).compile();
  const slots = compiled.parameters.map((p) => placeholders.indexOf(p as string));
  if (new Set(slots.filter((s) => s >= 0)).size !== args.length) {
    throw new Error(`prepared query does not bind each argument once: ${compiled.sql}`);
  }
  const template = { compiled, slots };
  if (key) templates.set(key, template);
  return template;
}

export function bind(template: Template, args: readonly Argument[]): unknown[] {
  const { compiled, slots } = template;
  return slots.map((slot, i) => (slot >= 0 ? args[slot] : compiled.parameters[i]));
}
