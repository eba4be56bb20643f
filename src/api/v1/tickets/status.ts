import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getTicket } from '../../../domain/dashboard/queries.js';
import { changeTicketStatus } from '../../../domain/tickets/workflow.js';
import { principalOf } from '../auth.js';
import { actorOf } from './actor.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { StatusSchema, TicketSchema } from './presenter.js';

const Body = Type.Object({ status: StatusSchema });

export function registerChangeTicketStatus(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/tickets/:id/status',
    {
      schema: {
        ...tagged('tickets'),
        summary: "Change a ticket's status (session cookie: send x-csrf-token)",
        params: IdParams,
        body: Body,
        response: { 200: TicketSchema, ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { organizationId } = principal;
      const id = idOr404(request.params, 'Ticket');
      const { status } = request.body as Static<typeof Body>;
      await changeTicketStatus(ctx, organizationId, id, status, actorOf(principal)).catch(v1Problem);
      const ticket = await getTicket(ctx.database.db, organizationId, id);
      if (!ticket) throw new V1Error('not_found', 'Ticket not found');
      return ticket;
    },
  );
}
