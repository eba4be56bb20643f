// The optional rewrite of a diagnosis by a language model (any OpenAI-compatible /chat/completions endpoint).
// It happens after the alert committed, never before: the alert, its ticket and its events do not wait for a model.
// Work is claimed in the database (alerts.diagnosis_rewrite_at, a lease), so every process may run this loop and a
// crash only delays an alert's rewrite until the lease runs out. One attempt per alert: a model that fails, times
// out or answers something that is not the expected JSON leaves the rules' diagnosis as it is.
import type { LlmConfig } from '../../config.js';
import type { Db } from '../../db/connect.js';
import type { DomainContext } from '../context.js';
import { getAlert, type AlertView, type Diagnosis } from './view.js';

export const DEFAULT_LLM_TIMEOUT_MS = 20_000;
/** How often each process looks for diagnoses to rewrite. */
export const DIAGNOSIS_POLL_MS = 1000;
/** Alerts older than this when a model is first configured are left with the rules' text. */
const MAX_AGE_MS = 60 * 60 * 1000;
const MAX_SUMMARY = 500;
const MAX_DETAILS = 8000;

export interface RewriteOptions {
  timeoutMs?: number | undefined;
}

/** Claims and rewrites the diagnoses waiting for the model; returns how many it attempted. */
export async function rewriteDueDiagnoses(ctx: DomainContext, llm: LlmConfig, options: RewriteOptions = {}): Promise<number> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const candidates = await db
    .selectFrom('alerts')
    .select(['id', 'organization_id'])
    .where('diagnosis_rewrite_at', 'is not', null)
    .where('diagnosis_rewrite_at', '<=', now.toISOString())
    .orderBy('diagnosis_rewrite_at')
    .limit(10)
    .execute();
  let attempted = 0;
  for (const candidate of candidates) {
    const lease = new Date(now.getTime() + timeoutMs + 30_000).toISOString();
    const claimed = await db
      .updateTable('alerts')
      .set({ diagnosis_rewrite_at: lease })
      .where('id', '=', candidate.id)
      .where('diagnosis_rewrite_at', '<=', now.toISOString())
      .returning('opened_at')
      .executeTakeFirst();
    if (!claimed) continue;
    const alert = await getAlert(db, candidate.organization_id, candidate.id);
    if (alert && now.getTime() - Date.parse(claimed.opened_at) <= MAX_AGE_MS && alert.diagnosis.source === 'rules') {
      attempted += 1;
      const rewritten = await askModel(llm, alert, timeoutMs).catch(() => null);
      if (rewritten) {
        await finish(db, candidate.id, rewritten);
        continue;
      }
    }
    await finish(db, candidate.id, null);
  }
  return attempted;
}

async function finish(db: Db, alertId: string, diagnosis: Diagnosis | null): Promise<void> {
  await db
    .updateTable('alerts')
    .set({ diagnosis_rewrite_at: null, ...(diagnosis ? { diagnosis: JSON.stringify(diagnosis) } : {}) })
    .where('id', '=', alertId)
    .execute();
}

const SYSTEM_PROMPT =
  'You help the support team of a hardware company. Given an alert raised by a monitoring rule on a customer device, ' +
  'with the facts the rules gathered, write a short diagnosis for a support agent: what is probably wrong, how sure ' +
  'the facts make it, and what to check or tell the customer first. Use only the facts given. Answer with a JSON ' +
  'object {"summary": "<one sentence>", "details": "<a few short paragraphs or bullet lines>"} and nothing else.';

/** The model's diagnosis, or null when its answer is not the JSON asked for. Throws on HTTP errors and timeouts. */
export async function askModel(llm: LlmConfig, alert: AlertView, timeoutMs: number): Promise<Diagnosis | null> {
  const facts = {
    rule: alert.ruleName,
    kind: alert.kind,
    severity: alert.severity,
    device: { identifier: alert.deviceIdentifier, type: alert.deviceType },
    reading: alert.reading,
    openedAt: alert.openedAt,
    rulesDiagnosis: { summary: alert.diagnosis.summary, details: alert.diagnosis.details },
  };
  const response = await fetch(`${llm.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}) },
    body: JSON.stringify({
      model: llm.model,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: JSON.stringify(facts) },
      ],
      response_format: { type: 'json_object' },
      temperature: 0.2,
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`model answered HTTP ${response.status}`);
  const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
  const content = body.choices?.[0]?.message?.content;
  if (typeof content !== 'string') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { summary, details } = parsed as { summary?: unknown; details?: unknown };
  if (typeof summary !== 'string' || typeof details !== 'string') return null;
  const s = summary.trim();
  const d = details.trim();
  if (s.length === 0 || s.length > MAX_SUMMARY || d.length === 0 || d.length > MAX_DETAILS || s.includes('\0') || d.includes('\0')) return null;
  return { summary: s, details: d, source: 'llm' };
}
