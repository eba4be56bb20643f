import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { registerGetTicket } from './get.js';
import { registerListTickets } from './list.js';
import { registerAddReply } from './replies.js';
import { registerChangeTicketStatus } from './status.js';
import { registerAddMessage } from './messages.js';
import { registerTicketTimeline } from './timeline.js';
import { registerUpdateTicket } from './update.js';

export function registerTicketRoutes(app: FastifyInstance, ctx: DomainContext): void {
  registerListTickets(app, ctx);
  registerGetTicket(app, ctx);
  registerChangeTicketStatus(app, ctx);
  registerAddReply(app, ctx);
  registerAddMessage(app, ctx);
  registerUpdateTicket(app, ctx);
  registerTicketTimeline(app, ctx);
}
