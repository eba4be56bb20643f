// The Rules page (admins): the organization's rules, a form per condition kind to create one, and per rule edit,
// enable/disable and delete. Plain forms; the domain checks every field and its message names the one at fault.
import type { FastifyInstance } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import { formatDuration, formatValue } from '../../domain/rules/conditions.js';
import { COMPARISONS, SEVERITIES, type Rule, type RuleInput, type RuleKind } from '../../domain/rules/model.js';
import { findRule, listRules } from '../../domain/rules/repository.js';
import { createRule, deleteRule, updateRule } from '../../domain/rules/service.js';
import { TICKET_PRIORITIES } from '../../domain/tickets/model.js';
import type { SessionUser } from '../../domain/sessions/service.js';
import { html, time, type Html } from '../html.js';
import { noticeFrom, sendPage } from '../layout.js';
import type { WebDeps } from '../plugin.js';
import { formOf, notFoundPage, requireAdmin } from '../session.js';
import { idParam } from './common.js';

const KINDS: ReadonlyArray<[RuleKind, string]> = [
  ['threshold', 'Threshold: a reading compared with a value'],
  ['inactivity', 'Inactivity: a device that stops reporting'],
  ['anomaly', "Anomaly: a reading far from the device's own average"],
];

export function describeCondition(rule: Rule): string {
  const c = rule.condition;
  switch (c.kind) {
    case 'threshold': {
      let text = `${c.key} ${c.op} ${formatValue(c.value)}`;
      if (c.forSeconds > 0) text += ` for ${formatDuration(c.forSeconds)}`;
      if (c.count > 1) text += ` on ${c.count} readings in a row`;
      if (rule.clear) text += `; clears at ${c.key} ${rule.clear.op} ${formatValue(rule.clear.value)}${rule.clear.forSeconds > 0 ? ` for ${formatDuration(rule.clear.forSeconds)}` : ''}`;
      return text;
    }
    case 'inactivity':
      return `no reading for ${formatDuration(c.timeoutSeconds)}`;
    case 'anomaly':
      return `${c.key} more than ${c.zScore} standard deviations from its mean (after ${c.minSamples} readings)`;
  }
}

/** A form value as the API would take it: a number when it reads as one, true/false as booleans, else the text. */
function comparisonValue(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function numberOrUndefined(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : text;
}

function inputFromForm(form: Record<string, string>): RuleInput {
  const kind = form.kind;
  const condition: Record<string, unknown> = { kind };
  let clear: unknown = null;
  if (kind === 'threshold') {
    Object.assign(condition, { key: form.key, op: form.op, value: comparisonValue(form.value), forSeconds: numberOrUndefined(form.forSeconds), count: numberOrUndefined(form.count) });
    if (form.clearOp && form.clearValue?.trim()) clear = { op: form.clearOp, value: comparisonValue(form.clearValue), forSeconds: numberOrUndefined(form.clearForSeconds) };
  } else if (kind === 'inactivity') {
    condition.timeoutSeconds = numberOrUndefined(form.timeoutSeconds);
  } else if (kind === 'anomaly') {
    Object.assign(condition, { key: form.key, zScore: numberOrUndefined(form.zScore), minSamples: numberOrUndefined(form.minSamples) });
  }
  for (const name of Object.keys(condition)) if (condition[name] === undefined) delete condition[name];
  return {
    name: form.name ?? '',
    deviceType: form.deviceType?.trim() ? form.deviceType.trim() : null,
    severity: form.severity,
    condition,
    clear,
    createTicket: form.createTicket === 'on',
    ...(form.ticketPriority ? { ticketPriority: form.ticketPriority } : {}),
    notifyOwners: form.notifyOwners === 'on',
    enabled: form.enabled === 'on',
  };
}

const select = (id: string, name: string, values: readonly string[], selected: string | undefined, any?: string) =>
  html`<select id="${id}" name="${name}">${any !== undefined ? html`<option value="">${any}</option>` : ''}${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${v}</option>`)}</select>`;

function ruleForm(user: SessionUser, kind: RuleKind, rule: Rule | null): Html {
  const p = `${kind}-${rule ? 'edit' : 'new'}`;
  const c = rule?.condition;
  const v = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const field = (name: string, label: string, value: string, attrs: Html = html``) =>
    html`<div class="field"><label for="${p}-${name}">${label}</label><input id="${p}-${name}" name="${name}" value="${value}" ${attrs}></div>`;
  let specific: Html;
  if (kind === 'threshold') {
    const t = c?.kind === 'threshold' ? c : undefined;
    specific = html`${field('key', 'Key', v(t?.key), html`required maxlength="255"`)}
<div class="field"><label for="${p}-op">Comparison</label>${select(`${p}-op`, 'op', COMPARISONS, t?.op ?? '>')}</div>
${field('value', 'Value (a number; for == and != also text, true or false)', v(t?.value), html`required`)}
${field('forSeconds', 'For at least (seconds, 0: at once)', v(t?.forSeconds ?? 0), html`inputmode="numeric"`)}
${field('count', 'On this many readings in a row', v(t?.count ?? 1), html`inputmode="numeric"`)}
<fieldset><legend>Clears when (optional; otherwise when the comparison no longer holds)</legend>
<div class="field"><label for="${p}-clearOp">Comparison</label>${select(`${p}-clearOp`, 'clearOp', COMPARISONS, rule?.clear?.op, 'none')}</div>
${field('clearValue', 'Value', v(rule?.clear?.value))}
${field('clearForSeconds', 'For at least (seconds)', v(rule?.clear?.forSeconds ?? 0), html`inputmode="numeric"`)}
</fieldset>`;
  } else if (kind === 'inactivity') {
    const t = c?.kind === 'inactivity' ? c : undefined;
    specific = field('timeoutSeconds', 'Silent for (seconds)', v(t?.timeoutSeconds ?? 3600), html`required inputmode="numeric"`);
  } else {
    const t = c?.kind === 'anomaly' ? c : undefined;
    specific = html`${field('key', 'Key', v(t?.key), html`required maxlength="255"`)}
${field('zScore', 'Standard deviations from the mean', v(t?.zScore ?? 4), html`inputmode="decimal"`)}
${field('minSamples', 'Readings needed first (at least 10)', v(t?.minSamples ?? 50), html`inputmode="numeric"`)}`;
  }
  const check = (name: string, label: string, on: boolean) =>
    html`<div class="field checkbox"><input type="checkbox" id="${p}-${name}" name="${name}"${on ? html` checked` : ''}><label for="${p}-${name}">${label}</label></div>`;
  return html`<form method="post" action="${rule ? `/rules/${rule.id}` : '/rules'}" class="rule-form" aria-label="${rule ? 'Edit rule' : `New ${kind} rule`}">
  <input type="hidden" name="_csrf" value="${user.csrfToken}">
  <input type="hidden" name="kind" value="${kind}">
  ${field('name', 'Name', rule?.name ?? '', html`required maxlength="255"`)}
  ${field('deviceType', 'Device type (empty: every device)', rule?.deviceType ?? '', html`maxlength="255"`)}
  <div class="field"><label for="${p}-severity">Severity</label>${select(`${p}-severity`, 'severity', SEVERITIES, rule?.severity ?? 'major')}</div>
  ${specific}
  <div class="field"><label for="${p}-ticketPriority">Ticket priority</label>${select(`${p}-ticketPriority`, 'ticketPriority', TICKET_PRIORITIES, rule?.ticketPriority, 'by severity')}</div>
  ${check('createTicket', 'Open a ticket for the owners', rule?.createTicket ?? true)}
  ${check('notifyOwners', 'E-mail the owners', rule?.notifyOwners ?? false)}
  ${check('enabled', 'Enabled', rule?.enabled ?? true)}
  <button type="submit">${rule ? 'Save rule' : 'Create rule'}</button>
</form>`;
}

export function registerRulePages(app: FastifyInstance, { ctx, config }: WebDeps): void {
  const { db } = ctx.database;
  const ruleOptions = { mailConfigured: Boolean(config.mail) };

  async function listPage(user: SessionUser, notice: ReturnType<typeof noticeFrom>, status = 200) {
    const rules = (await listRules(db, user.organizationId, { limit: 100 })).data;
    return {
      title: 'Rules',
      user,
      section: 'rules' as const,
      notice,
      status,
      body: html`<h1>Rules</h1>
<p class="lead">A rule watches the readings of a device type and opens an alert (and, for owned devices, a ticket) when its condition is met.</p>
${
  rules.length === 0
    ? html`<div class="empty"><h2>No rules yet</h2><p>Create the first one below.</p></div>`
    : html`<div class="table-wrap"><table class="stack">
  <caption class="visually-hidden">Rules, newest first</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Devices</th><th scope="col">Condition</th><th scope="col">Severity</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
  <tbody>${rules.map(
    (r) => html`<tr>
    <td><a href="/rules/${r.id}">${r.name}</a><br><span class="muted">created ${time(r.createdAt)}</span></td>
    <td data-label="Devices">${r.deviceType ?? html`<span class="muted">every device</span>`}</td>
    <td data-label="Condition">${describeCondition(r)}</td>
    <td data-label="Severity"><span class="badge severity-${r.severity}">${r.severity}</span></td>
    <td data-label="State">${r.enabled ? 'enabled' : html`<span class="muted">disabled</span>`}</td>
    <td data-label="Actions">
      <form method="post" action="/rules/${r.id}/enabled" class="inline"><input type="hidden" name="_csrf" value="${user.csrfToken}"><input type="hidden" name="enabled" value="${r.enabled ? 'false' : 'true'}"><button type="submit">${r.enabled ? 'Disable' : 'Enable'}</button></form>
      <form method="post" action="/rules/${r.id}/delete" class="inline"><input type="hidden" name="_csrf" value="${user.csrfToken}"><button type="submit">Delete</button></form>
    </td>
  </tr>`,
  )}</tbody></table></div>`
}
<h2>New rule</h2>
${KINDS.map(([kind, label]) => html`<details class="card"${kind === 'threshold' ? html` open` : ''}><summary>${label}</summary>${ruleForm(user, kind, null)}</details>`)}`,
    };
  }

  const problemNotice = (error: unknown) =>
    isDomainError(error, 'invalid_input') ? { kind: 'error' as const, text: `The rule was not saved: ${error.problem.field} ${error.problem.reason}.` } : null;

  app.get('/rules', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    return sendPage(reply, await listPage(user, noticeFrom(request.query)));
  });

  app.post('/rules', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    try {
      await createRule(ctx, user.organizationId, inputFromForm(formOf(request)), ruleOptions);
    } catch (error) {
      const notice = problemNotice(error);
      if (!notice) throw error;
      return sendPage(reply, await listPage(user, notice, 400));
    }
    return reply.redirect('/rules?notice=rule-created', 303);
  });

  app.get('/rules/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    const rule = id ? await findRule(db, user.organizationId, id) : undefined;
    if (!rule) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
    return sendPage(reply, {
      title: rule.name,
      user,
      section: 'rules',
      notice: noticeFrom(request.query),
      body: html`<p><a href="/rules">« Rules</a></p><h1>${rule.name}</h1><p class="lead">${describeCondition(rule)} · <a href="/alerts?ruleId=${rule.id}">its alerts</a></p>${ruleForm(user, rule.condition.kind, rule)}`,
    });
  });

  app.post('/rules/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
    try {
      await updateRule(ctx, user.organizationId, id, inputFromForm(formOf(request)), ruleOptions);
    } catch (error) {
      if (isDomainError(error, 'rule_not_found')) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
      const notice = problemNotice(error);
      if (!notice) throw error;
      return sendPage(reply, { title: 'Rule not saved', user, section: 'rules', status: 400, notice, body: html`<p><a href="/rules/${id}">Back to the rule</a></p>` });
    }
    return reply.redirect(`/rules?notice=rule-updated`, 303);
  });

  app.post('/rules/:id/enabled', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
    try {
      await updateRule(ctx, user.organizationId, id, { enabled: formOf(request).enabled === 'true' }, ruleOptions);
    } catch (error) {
      if (isDomainError(error, 'rule_not_found')) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
      throw error;
    }
    return reply.redirect('/rules?notice=rule-updated', 303);
  });

  app.post('/rules/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAdmin(request, reply);
    if (!user) return reply;
    const id = idParam(request.params);
    if (!id) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
    try {
      await deleteRule(ctx, user.organizationId, id);
    } catch (error) {
      if (isDomainError(error, 'rule_not_found')) return notFoundPage(reply, user, 'Rule', { href: '/rules', label: 'the rules' });
      throw error;
    }
    return reply.redirect('/rules?notice=rule-deleted', 303);
  });
}
