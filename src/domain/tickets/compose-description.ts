import type { TicketMessageInput } from './model.js';

/**
 * The description of a ticket opened without one: its conversation, one message per line as
 * `<role>: <content>` in the order given, e.g. "customer: It stopped charging\nagent: Which model?".
 * Contents are kept verbatim (a multi-line message stays multi-line). No messages: an empty description.
 */
export function composeDescription(messages: readonly TicketMessageInput[]): string {
  return messages.map((m) => `${m.role}: ${m.content}`).join('\n');
}
