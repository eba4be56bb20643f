// An agent's public reply, e-mailed to the ticket's customer through the outbox (a `ticket.message_added` event
// fans out into one e-mail delivery). The subject carries the ticket's reference, and Reply-To the organization's
// support address, so the customer's answer lands in the company's mailbox, where its own pipeline can post it
// back with POST /api/v1/tickets/{id}/messages. Internal notes never get here: they announce no event, and the
// event's conversation leaves them out.

/** What the e-mail delivery row keeps as its recipient (JSON). */
export interface ReplyRecipient {
  kind: 'ticket_reply';
  email: string;
  name: string | null;
  customerId: string;
  messageId: string;
}

interface MessageInPayload {
  id?: unknown;
  role?: unknown;
  kind?: unknown;
  content?: unknown;
}

interface TicketPayload {
  id?: unknown;
  title?: unknown;
  customerId?: unknown;
  customerEmail?: unknown;
  customerName?: unknown;
  messageId?: unknown;
  messages?: MessageInPayload[];
}

function addedMessage(payload: TicketPayload): MessageInPayload | undefined {
  return Array.isArray(payload.messages) ? payload.messages.find((m) => m.id === payload.messageId) : undefined;
}

/** The customer to e-mail for a `ticket.message_added` event, when the message is an agent's public reply. */
export function replyRecipient(payloadText: string): ReplyRecipient | null {
  const payload = JSON.parse(payloadText) as TicketPayload;
  const message = addedMessage(payload);
  if (!message || message.role !== 'agent' || message.kind !== 'message' || typeof message.id !== 'string') return null;
  if (typeof payload.customerEmail !== 'string' || payload.customerEmail === '' || typeof payload.customerId !== 'string') return null;
  return {
    kind: 'ticket_reply',
    email: payload.customerEmail,
    name: typeof payload.customerName === 'string' ? payload.customerName : null,
    customerId: payload.customerId,
    messageId: message.id,
  };
}

export function isReplyRecipient(value: unknown): value is ReplyRecipient {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'ticket_reply';
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** The ticket's reference as it appears in subjects: `[#<first 8 characters of its id>]`, stable and short. */
export function ticketReference(ticketId: string): string {
  return `#${ticketId.slice(0, 8)}`;
}

export function composeReplyMail(payloadText: string, recipient: ReplyRecipient, organizationName: string) {
  const payload = JSON.parse(payloadText) as TicketPayload;
  const message = addedMessage(payload);
  const content = typeof message?.content === 'string' ? message.content : '';
  const title = typeof payload.title === 'string' ? payload.title : 'your request';
  const ticketId = typeof payload.id === 'string' ? payload.id : '';
  const reference = ticketReference(ticketId);
  const greeting = recipient.name ? `Hello ${recipient.name},` : 'Hello,';
  const footer = `Reply to this e-mail to answer. Reference: ${reference} (ticket ${ticketId}). — ${organizationName} support`;
  return {
    subject: `[${reference}] Re: ${title}`,
    text: `${greeting}\n\n${content}\n\n${footer}\n`,
    html: `<!doctype html><html><body><p>${escapeHtml(greeting)}</p><p style="white-space:pre-wrap">${escapeHtml(content)}</p><p>${escapeHtml(footer)}</p></body></html>`,
  };
}
