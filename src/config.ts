// Configuration is read once from the environment into a frozen, typed object. Every problem is collected so
// that an operator fixes a bad deployment in one pass instead of one error per restart.
import { isAbsolute, resolve } from 'node:path';
import { parseRateLimit, type RateLimitWindow } from './http/rate-limit.js';

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      url: string;
      /** Server-side named statements (db/postgres/named-statements.ts); TELEMAP_PG_NAMED_STATEMENTS=false turns them off. */
      namedStatements: boolean;
      /**
       * PostgreSQL cancels a statement running longer than this (TELEMAP_PG_STATEMENT_TIMEOUT_MS, default 30000; 0:
       * never), so that no request holds a pooled connection for long. Migrations run without it.
       */
      statementTimeoutMs: number;
    };

export interface SqliteSwitches {
  /** TELEMAP_SQLITE_GROUP_COMMIT */
  readonly groupCommit: boolean;
  /** TELEMAP_SQLITE_READ_GROUP */
  readonly readGroup: boolean;
  /** TELEMAP_SQLITE_WRITE_GATE */
  readonly writeGate: boolean;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  /** SQLite's mechanisms, each on unless turned off for an incident (docs/architecture.md). */
  readonly sqlite: SqliteSwitches;
  /** The platform operator's token for provisioning organizations; null when not configured. */
  readonly adminToken: string | null;
  readonly logLevel: LogLevel;
  /** Per-API-key request windows on ext-v1 (per process); null when rate limiting is off (the default). */
  readonly rateLimit: readonly RateLimitWindow[] | null;
  /** Anyone may create an organization over /v2/integrations, without the admin token. */
  readonly openSignup: boolean;
  /** Days a deleted organization is kept (and can be restored) before it is purged. */
  readonly orgRetentionDays: number;
  /** Minutes between two runs of the purge of expired deleted organizations. */
  readonly orgPurgeIntervalMinutes: number;
  /**
   * The address people and integrations reach this server at (TELEMAP_PUBLIC_URL), without a trailing slash;
   * null when unset, in which case pages derive it from the request. An https:// URL makes cookies `Secure`.
   */
  readonly publicUrl: string | null;
  /** Dashboard cookies carry `Secure` (TELEMAP_SECURE_COOKIES, default: true when publicUrl is https). */
  readonly secureCookies: boolean;
  /** Port of the embedded MQTT broker (TELEMAP_MQTT_PORT); null: no embedded broker. */
  readonly mqttPort: number | null;
  /** An external MQTT broker to subscribe to (TELEMAP_MQTT_URL); null: none. */
  readonly mqttUrl: string | null;
  /** The shared-subscription group on the external broker (TELEMAP_MQTT_SHARE_GROUP, default `telemap`). */
  readonly mqttShareGroup: string;
  /**
   * This process's client id on the external broker (TELEMAP_MQTT_CLIENT_ID); null: derived from the host name and
   * the HTTP port. It must stay the same across restarts of one process and differ between processes (src/ingest).
   */
  readonly mqttClientId: string | null;
  /** Days readings are kept (TELEMAP_TELEMETRY_RETENTION_DAYS, default 90). */
  readonly telemetryRetentionDays: number;
  /** An OpenAI-compatible model that rewrites diagnoses (TELEMAP_LLM_*); null: the rules' text is kept. */
  readonly llm: LlmConfig | null;
  /** Outgoing mail (TELEMAP_SMTP_URL and TELEMAP_MAIL_FROM); null: no e-mail is sent. */
  readonly mail: MailConfig | null;
  /** Webhooks may reach loopback and private addresses (TELEMAP_WEBHOOK_ALLOW_PRIVATE, default false). */
  readonly webhookAllowPrivate: boolean;
  /** How long a client may take to send a request, and how many connections are served at once (docs/security.md). */
  readonly http: HttpLimits;
}

export interface HttpLimits {
  /** A request, body included, must arrive within this (TELEMAP_REQUEST_TIMEOUT_MS, default 60000). */
  readonly requestTimeoutMs: number;
  /** Its headers within this (TELEMAP_HEADERS_TIMEOUT_MS, default 10000; at most the request timeout). */
  readonly headersTimeoutMs: number;
  /** An idle kept-alive connection is closed after this (TELEMAP_KEEP_ALIVE_TIMEOUT_MS, default 5000). */
  readonly keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed on arrival (TELEMAP_MAX_CONNECTIONS, default 1024). */
  readonly maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze({
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
});

export interface LlmConfig {
  /** Base URL of the API, without `/chat/completions`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: string | null;
}

export interface MailConfig {
  /** `smtp://user:pass@host:port` or `smtps://…`. */
  readonly smtpUrl: string;
  readonly from: string;
}

export const DEFAULT_SQLITE_PATH = './data/telemap.db';
export const DEFAULT_PG_STATEMENT_TIMEOUT_MS = 30_000;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];

  const port = parsePort(env.PORT, problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  const namedStatements = parseBoolean('TELEMAP_PG_NAMED_STATEMENTS', env.TELEMAP_PG_NAMED_STATEMENTS, true, problems);
  const statementTimeoutMs = parseNonNegativeInteger(
    'TELEMAP_PG_STATEMENT_TIMEOUT_MS',
    env.TELEMAP_PG_STATEMENT_TIMEOUT_MS,
    DEFAULT_PG_STATEMENT_TIMEOUT_MS,
    problems,
  );
  const database = parseDatabaseUrl(env.DATABASE_URL, cwd, { namedStatements, statementTimeoutMs }, problems);
  const sqlite: SqliteSwitches = Object.freeze({
    groupCommit: parseBoolean('TELEMAP_SQLITE_GROUP_COMMIT', env.TELEMAP_SQLITE_GROUP_COMMIT, true, problems),
    readGroup: parseBoolean('TELEMAP_SQLITE_READ_GROUP', env.TELEMAP_SQLITE_READ_GROUP, true, problems),
    writeGate: parseBoolean('TELEMAP_SQLITE_WRITE_GATE', env.TELEMAP_SQLITE_WRITE_GATE, true, problems),
  });

  const adminToken = env.TELEMAP_ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && adminToken.length < 16) {
    problems.push('TELEMAP_ADMIN_TOKEN must be at least 16 characters long');
  }

  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  }

  let rateLimit: RateLimitWindow[] | null = null;
  try {
    rateLimit = parseRateLimit(env.TELEMAP_RATE_LIMIT);
  } catch (error) {
    problems.push(
      `TELEMAP_RATE_LIMIT must be comma-separated <requests>:<seconds> windows, e.g. "100:1,2000:60" ` +
        `(${(error as Error).message})`,
    );
  }

  const openSignup = parseBoolean('TELEMAP_OPEN_SIGNUP', env.TELEMAP_OPEN_SIGNUP, false, problems);
  const orgRetentionDays = parsePositiveInteger('TELEMAP_ORG_RETENTION_DAYS', env.TELEMAP_ORG_RETENTION_DAYS, 30, problems);
  const orgPurgeIntervalMinutes = parsePositiveInteger(
    'TELEMAP_ORG_PURGE_INTERVAL_MINUTES',
    env.TELEMAP_ORG_PURGE_INTERVAL_MINUTES,
    60,
    problems,
  );

  const publicUrl = parsePublicUrl(env.TELEMAP_PUBLIC_URL, problems);
  const secureCookies = parseBoolean(
    'TELEMAP_SECURE_COOKIES',
    env.TELEMAP_SECURE_COOKIES,
    publicUrl?.startsWith('https://') ?? false,
    problems,
  );

  const mqttPort = parseOptionalPort('TELEMAP_MQTT_PORT', env.TELEMAP_MQTT_PORT, problems);
  const mqttUrl = parseOptionalUrl('TELEMAP_MQTT_URL', env.TELEMAP_MQTT_URL, ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:'], problems);
  const mqttShareGroup = env.TELEMAP_MQTT_SHARE_GROUP?.trim() || 'telemap';
  if (!/^[A-Za-z0-9_.-]+$/.test(mqttShareGroup)) {
    problems.push(`TELEMAP_MQTT_SHARE_GROUP may hold only letters, digits, '_', '.' and '-' (got "${mqttShareGroup}")`);
  }
  const mqttClientId = env.TELEMAP_MQTT_CLIENT_ID?.trim() || null;
  if (mqttClientId !== null && !/^[A-Za-z0-9_.-]{1,100}$/.test(mqttClientId)) {
    problems.push(`TELEMAP_MQTT_CLIENT_ID may hold only letters, digits, '_', '.' and '-', at most 100 (got "${mqttClientId}")`);
  }
  const telemetryRetentionDays = parsePositiveInteger(
    'TELEMAP_TELEMETRY_RETENTION_DAYS',
    env.TELEMAP_TELEMETRY_RETENTION_DAYS,
    90,
    problems,
  );
  const llm = parseLlm(env, problems);
  const mail = parseMail(env, problems);
  const webhookAllowPrivate = parseBoolean('TELEMAP_WEBHOOK_ALLOW_PRIVATE', env.TELEMAP_WEBHOOK_ALLOW_PRIVATE, false, problems);

  const http = parseHttpLimits(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port,
    host,
    database: Object.freeze(database),
    sqlite,
    adminToken,
    logLevel,
    rateLimit: rateLimit && Object.freeze(rateLimit.map((w) => Object.freeze(w))),
    openSignup,
    orgRetentionDays,
    orgPurgeIntervalMinutes,
    publicUrl,
    secureCookies,
    mqttPort,
    mqttUrl,
    mqttShareGroup,
    mqttClientId,
    telemetryRetentionDays,
    llm: llm && Object.freeze(llm),
    mail: mail && Object.freeze(mail),
    webhookAllowPrivate,
    http: Object.freeze(http),
  });
}

function parseHttpLimits(env: NodeJS.ProcessEnv, problems: string[]): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const requestTimeoutMs = parsePositiveInteger('TELEMAP_REQUEST_TIMEOUT_MS', env.TELEMAP_REQUEST_TIMEOUT_MS, d.requestTimeoutMs, problems);
  const headersTimeoutMs = parsePositiveInteger('TELEMAP_HEADERS_TIMEOUT_MS', env.TELEMAP_HEADERS_TIMEOUT_MS, d.headersTimeoutMs, problems);
  const keepAliveTimeoutMs = parsePositiveInteger(
    'TELEMAP_KEEP_ALIVE_TIMEOUT_MS',
    env.TELEMAP_KEEP_ALIVE_TIMEOUT_MS,
    d.keepAliveTimeoutMs,
    problems,
  );
  const maxConnections = parsePositiveInteger('TELEMAP_MAX_CONNECTIONS', env.TELEMAP_MAX_CONNECTIONS, d.maxConnections, problems);
  // Node refuses a headers timeout longer than the request timeout: said here, with both names, instead.
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push(
      `TELEMAP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed TELEMAP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  return { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs, maxConnections };
}

function parseOptionalPort(name: string, raw: string | undefined, problems: string[]): number | null {
  const value = raw?.trim();
  if (!value) return null;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65535) {
    problems.push(`${name} must be an integer from 0 to 65535 (got "${raw}")`);
    return null;
  }
  return port;
}

function parseOptionalUrl(name: string, raw: string | undefined, protocols: readonly string[], problems: string[]): string | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    if (!protocols.includes(url.protocol)) throw new Error('protocol');
    return value;
  } catch {
    problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(', ')} (got "${value}")`);
    return null;
  }
}

function parseLlm(env: NodeJS.ProcessEnv, problems: string[]): LlmConfig | null {
  const baseUrl = parseOptionalUrl('TELEMAP_LLM_BASE_URL', env.TELEMAP_LLM_BASE_URL, ['http:', 'https:'], problems);
  const model = env.TELEMAP_LLM_MODEL?.trim() || null;
  if (!baseUrl) return null;
  if (!model) {
    problems.push('TELEMAP_LLM_MODEL must name the model when TELEMAP_LLM_BASE_URL is set');
    return null;
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), model, apiKey: env.TELEMAP_LLM_API_KEY?.trim() || null };
}

function parseMail(env: NodeJS.ProcessEnv, problems: string[]): MailConfig | null {
  const smtpUrl = parseOptionalUrl('TELEMAP_SMTP_URL', env.TELEMAP_SMTP_URL, ['smtp:', 'smtps:'], problems);
  const from = env.TELEMAP_MAIL_FROM?.trim() || null;
  if (!smtpUrl) return null;
  if (!from) {
    problems.push('TELEMAP_MAIL_FROM must be set (e.g. "Acme Support <support@acme.example>") when TELEMAP_SMTP_URL is');
    return null;
  }
  return { smtpUrl, from };
}

function parsePublicUrl(raw: string | undefined, problems: string[]): string | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.toString().replace(/\/+$/, '');
  } catch {
    problems.push(`TELEMAP_PUBLIC_URL must be an http:// or https:// URL (got "${value}")`);
    return null;
  }
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function parsePositiveInteger(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  const value = raw?.trim();
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    problems.push(`${name} must be a positive integer (got "${raw}")`);
    return fallback;
  }
  return parsed;
}

function parseNonNegativeInteger(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  const value = raw?.trim();
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(parsed)) {
    problems.push(`${name} must be a non-negative integer (got "${raw}")`);
    return fallback;
  }
  return parsed;
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer from 0 to 65535 (got "${raw}")`);
    return 0;
  }
  return port;
}

/**
 * `sqlite:///absolute/path.db`, `sqlite://relative/path.db` (relative to the working directory),
 * `postgres://…` or `postgresql://…`.
 */
export function parseDatabaseUrl(
  raw: string | undefined,
  cwd: string,
  postgres: { namedStatements: boolean; statementTimeoutMs: number },
  problems: string[],
): DatabaseTarget {
  const value = raw?.trim();
  if (!value) return { kind: 'sqlite', path: resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (value.startsWith('sqlite://')) {
    const path = value.slice('sqlite://'.length);
    if (path === '' || path === '/') {
      problems.push('DATABASE_URL sqlite:// needs a file path, e.g. sqlite://data/telemap.db');
      return { kind: 'sqlite', path: '' };
    }
    if (path === ':memory:') return { kind: 'sqlite', path };
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    try {
      new URL(value);
    } catch {
      problems.push('DATABASE_URL is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: value, ...postgres };
  }
  problems.push('DATABASE_URL must start with sqlite:// or postgres:// (see README, "Configuration")');
  return { kind: 'sqlite', path: '' };
}
