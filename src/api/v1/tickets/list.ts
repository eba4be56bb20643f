import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { listTickets } from '../../../domain/dashboard/queries.js';
import { isUuid } from '../../../domain/ids.js';
import { principalOf } from '../auth.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { PrioritySchema, StatusSchema, TicketSchema } from './presenter.js';

const Query = Type.Object({
  status: Type.Optional(StatusSchema),
  priority: Type.Optional(PrioritySchema),
  customerId: Type.Optional(Type.String({ maxLength: 64, description: 'Only tickets of this customer (id)' })),
  deviceId: Type.Optional(Type.String({ maxLength: 64, description: 'Only tickets about this device (id)' })),
  ...PaginationQuery,
});

const NO_MATCH = '00000000-0000-0000-0000-000000000000';

export function registerListTickets(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/tickets',
    { schema: { ...tagged('tickets'), summary: 'The inbox: tickets newest first, filtered by status, priority, customer or device', querystring: Query, response: { 200: PageOf(TicketSchema), ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof Query>;
      return listTickets(ctx.database.db, organizationId, {
        status: query.status,
        priority: query.priority,
        // An id that is not a UUID matches nothing, like an unknown one.
        customerId: query.customerId === undefined ? undefined : isUuid(query.customerId) ? query.customerId.toLowerCase() : NO_MATCH,
        deviceId: query.deviceId === undefined ? undefined : isUuid(query.deviceId) ? query.deviceId.toLowerCase() : NO_MATCH,
        cursor: query.cursor,
        limit: readLimit(query),
      }).catch(v1Problem);
    },
  );
}
