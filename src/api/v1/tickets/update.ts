import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getTicket } from '../../../domain/dashboard/queries.js';
import { updateTicket } from '../../../domain/tickets/workflow.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { actorOf } from './actor.js';
import { PrioritySchema, StatusSchema, TicketSchema } from './presenter.js';

const Body = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    priority: Type.Optional(PrioritySchema),
    category: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], { description: 'A category name; null clears it' })),
    assigneeId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'A user id of the organization; null unassigns' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function registerUpdateTicket(app: FastifyInstance, ctx: DomainContext): void {
  app.patch(
    '/tickets/:id',
    {
      schema: {
        ...tagged('tickets'),
        summary: "Change a ticket's status, priority, category or assignee, each recorded in its timeline (session cookie: send x-csrf-token)",
        params: IdParams,
        body: Body,
        response: { 200: TicketSchema, ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const id = idOr404(request.params, 'Ticket');
      const body = request.body as Static<typeof Body>;
      const assigneeUserId = typeof body.assigneeId === 'string' ? body.assigneeId.toLowerCase() : body.assigneeId;
      await updateTicket(
        ctx,
        principal.organizationId,
        id,
        {
          ...(body.status !== undefined && { status: body.status }),
          ...(body.priority !== undefined && { priority: body.priority }),
          ...(body.category !== undefined && { category: body.category }),
          ...(assigneeUserId !== undefined && { assigneeUserId }),
        },
        actorOf(principal),
      ).catch(v1Problem);
      const ticket = await getTicket(ctx.database.db, principal.organizationId, id);
      if (!ticket) throw new V1Error('not_found', 'Ticket not found');
      return ticket;
    },
  );
}
