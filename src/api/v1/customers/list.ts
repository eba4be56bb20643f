import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { listCustomers } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { CustomerSchema } from './presenter.js';

const Query = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Matches inside the email or the name, case-insensitive' })),
  ...PaginationQuery,
});

export function registerListCustomers(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/customers',
    { schema: { ...tagged('customers'), summary: 'Customers, newest first, optionally searched by email or name', querystring: Query, response: { 200: PageOf(CustomerSchema), ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof Query>;
      return listCustomers(ctx.database.db, organizationId, { q: query.q, cursor: query.cursor, limit: readLimit(query) }).catch(v1Problem);
    },
  );
}
