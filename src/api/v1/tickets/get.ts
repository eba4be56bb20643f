import { ErrorResponses } from '../errors.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getTicket, ticketMessages } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged } from '../schemas.js';
import { AlertOwnerSchema } from '../alerts/presenter.js';
import { alertOfTicket } from '../../../domain/alerts/tickets.js';
import { MessageSchema, TicketSchema } from './presenter.js';

const Response = Type.Composite([
  TicketSchema,
  Type.Object({
    messages: Type.Array(MessageSchema, { description: 'The conversation in order, internal notes included (kind note)' }),
    alertId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The alert a proactive ticket was opened for; null otherwise' }),
    owners: Type.Array(AlertOwnerSchema, { description: "An alert ticket: every owner of the device when the alert opened; [] otherwise" }),
  }),
]);

export function registerGetTicket(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/tickets/:id',
    { schema: { ...tagged('tickets'), summary: 'A ticket with its conversation', params: IdParams, response: { 200: Response, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = idOr404(request.params, 'Ticket');
      const ticket = await getTicket(ctx.database.db, organizationId, id);
      if (!ticket) throw new V1Error('not_found', 'Ticket not found');
      const messages = await ticketMessages(ctx.database.db, organizationId, id, { includeNotes: true });
      return { ...ticket, messages, ...(await alertOfTicket(ctx.database.db, organizationId, id)) };
    },
  );
}
