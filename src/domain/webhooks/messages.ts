// What a webhook endpoint receives for an event: the Standard Webhooks envelope, or a Slack incoming-webhook message.
import { alertPath, dashboardLink, ticketPath } from './dashboard-links.js';
import { signPayload } from './secret.js';

export interface OutgoingEvent {
  id: string;
  type: string;
  /** ISO 8601, when the event was recorded. */
  createdAt: string;
  /** The event's data, parsed. */
  data: unknown;
}

export interface WebhookMessage {
  headers: Record<string, string>;
  body: string;
}

/**
 * Standard Webhooks: the body is `{type, timestamp, data}`; `webhook-id` is the event id (the same on every retry,
 * so receivers deduplicate by it) and the timestamp is this attempt's.
 */
export function standardMessage(event: OutgoingEvent, secret: string, nowMs: number): WebhookMessage {
  const body = JSON.stringify({ type: event.type, timestamp: event.createdAt, data: event.data });
  return { headers: signedHeaders(event.id, secret, nowMs, body), body };
}

export function slackMessage(event: OutgoingEvent, secret: string, nowMs: number, publicUrl: string | null): WebhookMessage {
  const body = JSON.stringify(slackBody(event, publicUrl));
  return { headers: signedHeaders(event.id, secret, nowMs, body), body };
}

function signedHeaders(id: string, secret: string, nowMs: number, body: string): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signPayload(secret, id, timestamp, body),
  };
}

interface AlertData {
  id?: string;
  ruleName?: string;
  deviceIdentifier?: string;
  deviceType?: string | null;
  severity?: string;
  status?: string;
  owners?: Array<{ email?: string; name?: string | null }>;
  ticketId?: string | null;
  diagnosis?: { summary?: string };
}

interface TicketData {
  id?: string;
  title?: string;
  status?: string;
  previousStatus?: string;
  priority?: string;
  customerEmail?: string;
  customerName?: string;
  deviceIdentifier?: string | null;
  messages?: Array<{ id?: string; role?: string; content?: string }>;
  messageId?: string;
}

const ALERT_HEADLINES: Record<string, string> = {
  'alert.opened': 'Alert opened',
  'alert.acknowledged': 'Alert acknowledged',
  'alert.cleared': 'Alert cleared',
};

/** Slack's mrkdwn treats &, < and > as markup. */
function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function slackLink(url: string, label: string): string {
  // Slack makes links only of absolute URLs; a path (no TELEMAP_PUBLIC_URL) is shown as it is.
  return /^https?:\/\//.test(url) ? `<${url}|${escapeSlack(label)}>` : `${escapeSlack(label)}: ${escapeSlack(url)}`;
}

function ownersText(owners: AlertData['owners']): string {
  if (!owners || owners.length === 0) return 'no owner';
  return owners.map((o) => (o.name ? `${o.name} <${o.email ?? ''}>` : (o.email ?? ''))).join(', ');
}

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function slackBody(event: OutgoingEvent, publicUrl: string | null): { text: string; blocks: unknown[] } {
  if (event.type.startsWith('alert.')) {
    const alert = (event.data ?? {}) as AlertData;
    const headline = ALERT_HEADLINES[event.type] ?? event.type;
    const severity = (alert.severity ?? 'alert').toUpperCase();
    const rule = alert.ruleName ?? 'a rule';
    const device = alert.deviceIdentifier ?? 'a device';
    const link = dashboardLink(publicUrl, alertPath(alert.id ?? ''));
    const text = `${headline} [${severity}] ${rule} on ${device}. Owners: ${ownersText(alert.owners)}. ${link}`;
    const fields = [
      `*Rule:* ${escapeSlack(rule)}`,
      `*Device:* ${escapeSlack(device)}${alert.deviceType ? ` (${escapeSlack(alert.deviceType)})` : ''}`,
      `*Severity:* ${escapeSlack(severity)}`,
      `*Owners:* ${escapeSlack(ownersText(alert.owners))}`,
    ];
    const blocks: unknown[] = [section(`*${escapeSlack(headline)}: ${escapeSlack(rule)} on ${escapeSlack(device)}*`), section(fields.join('\n'))];
    if (alert.diagnosis?.summary) blocks.push(section(escapeSlack(alert.diagnosis.summary)));
    blocks.push(section(slackLink(link, 'Open the alert in Telemap')));
    return { text, blocks };
  }
  if (event.type.startsWith('ticket.')) {
    const ticket = (event.data ?? {}) as TicketData;
    const title = ticket.title ?? 'a ticket';
    const link = dashboardLink(publicUrl, ticketPath(ticket.id ?? ''));
    let headline = `Ticket opened: ${title}`;
    if (event.type === 'ticket.status_changed') headline = `Ticket ${ticket.previousStatus ?? ''} → ${ticket.status ?? ''}: ${title}`;
    if (event.type === 'ticket.message_added') headline = `New message on ticket: ${title}`;
    const who = ticket.customerName ? `${ticket.customerName} <${ticket.customerEmail ?? ''}>` : (ticket.customerEmail ?? '');
    const lines = [`*Customer:* ${escapeSlack(who)}`];
    if (ticket.deviceIdentifier) lines.push(`*Device:* ${escapeSlack(ticket.deviceIdentifier)}`);
    if (ticket.priority) lines.push(`*Priority:* ${escapeSlack(ticket.priority)}`);
    const blocks: unknown[] = [section(`*${escapeSlack(headline)}*`), section(lines.join('\n'))];
    if (event.type === 'ticket.message_added') {
      const message = ticket.messages?.find((m) => m.id === ticket.messageId) ?? ticket.messages?.at(-1);
      if (message?.content) blocks.push(section(`>${escapeSlack(message.content.slice(0, 500))}`));
    }
    blocks.push(section(slackLink(link, 'Open the ticket in Telemap')));
    return { text: `${headline} (${who}) ${link}`, blocks };
  }
  const text = 'Telemap test event: this Slack webhook is connected.';
  return { text, blocks: [section(escapeSlack(text))] };
}
