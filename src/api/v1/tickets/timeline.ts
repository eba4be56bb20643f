import { ErrorResponses } from '../errors.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { getTicket, ticketTimeline } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged } from '../schemas.js';
import { ChangeSchema, MessageSchema } from './presenter.js';

const Entry = Type.Union([
  Type.Composite([Type.Object({ entry: Type.Literal('message') }), MessageSchema]),
  Type.Composite([Type.Object({ entry: Type.Literal('change') }), ChangeSchema]),
]);

export function registerTicketTimeline(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/tickets/:id/timeline',
    {
      schema: {
        ...tagged('tickets'),
        summary: "A ticket's timeline: messages, internal notes and changes (status, priority, assignee, category), in order",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(Entry) }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = idOr404(request.params, 'Ticket');
      if (!(await getTicket(ctx.database.db, organizationId, id))) throw new V1Error('not_found', 'Ticket not found');
      return { data: await ticketTimeline(ctx.database.db, organizationId, id) };
    },
  );
}
