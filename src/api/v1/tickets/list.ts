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
import { V1Error } from '../errors.js';
import { PrioritySchema, StatusSchema, TicketSchema } from './presenter.js';

const Query = Type.Object({
  status: Type.Optional(StatusSchema),
  priority: Type.Optional(PrioritySchema),
  customerId: Type.Optional(Type.String({ maxLength: 64, description: 'Only tickets of this customer (id)' })),
  deviceId: Type.Optional(Type.String({ maxLength: 64, description: 'Only tickets about this device (id)' })),
  assignee: Type.Optional(
    Type.String({ maxLength: 64, description: "Only tickets assigned to this user (id), to the signed-in user (me), or unassigned (none)" }),
  ),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in the title or in any message (case-insensitive)' })),
  ...PaginationQuery,
});

const NO_MATCH = '00000000-0000-0000-0000-000000000000';

function assigneeFilter(value: string | undefined, userId: string | undefined): string | undefined {
  if (value === undefined || value === 'none') return value;
  if (value === 'me') {
    if (!userId) throw new V1Error('bad_request', 'assignee=me needs a signed-in user; pass a user id');
    return userId;
  }
  return isUuid(value) ? value.toLowerCase() : NO_MATCH;
}

export function registerListTickets(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/tickets',
    { schema: { ...tagged('tickets'), summary: 'The inbox: tickets newest first, filtered by status, priority, customer, device, assignee or text; pages both ways', querystring: Query, response: { 200: PageOf(TicketSchema), ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof Query>;
      return listTickets(ctx.database.db, organizationId, {
        status: query.status,
        priority: query.priority,
        // An id that is not a UUID matches nothing, like an unknown one.
        customerId: query.customerId === undefined ? undefined : isUuid(query.customerId) ? query.customerId.toLowerCase() : NO_MATCH,
        deviceId: query.deviceId === undefined ? undefined : isUuid(query.deviceId) ? query.deviceId.toLowerCase() : NO_MATCH,
        assignee: assigneeFilter(query.assignee, principalOf(request).userId),
        q: query.q,
        cursor: query.cursor,
        limit: readLimit(query),
      }).catch(v1Problem);
    },
  );
}
