import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { listDevices } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { DeviceSchema } from './presenter.js';

const Query = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Matches inside the identifier or the type, case-insensitive' })),
  ...PaginationQuery,
});

export function registerListDevices(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/devices',
    { schema: { ...tagged('devices'), summary: 'Devices, newest first, optionally searched by identifier or type', querystring: Query, response: { 200: PageOf(DeviceSchema), ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof Query>;
      return listDevices(ctx.database.db, organizationId, { q: query.q, cursor: query.cursor, limit: readLimit(query) }).catch(v1Problem);
    },
  );
}
