import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { deviceAssignmentHistory, getDevice } from '../../../domain/dashboard/queries.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { idOr404, IdParams } from '../path-id.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { AssignmentSchema } from './presenter.js';

const Query = Type.Object(PaginationQuery);

export function registerDeviceAssignments(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/devices/:id/assignments',
    {
      schema: {
        ...tagged('devices'),
        summary: "The device's assignment history: who owned it, from when to when, newest first",
        params: IdParams,
        querystring: Query,
        response: { 200: PageOf(AssignmentSchema), ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = idOr404(request.params, 'Device');
      if (!(await getDevice(ctx.database.db, organizationId, id))) throw new V1Error('not_found', 'Device not found');
      const query = request.query as Static<typeof Query>;
      return deviceAssignmentHistory(ctx.database.db, organizationId, id, { cursor: query.cursor, limit: readLimit(query) }).catch(v1Problem);
    },
  );
}
