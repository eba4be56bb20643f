// /api/v1/alerts: the alerts of the organization's devices, filtered; acknowledge and clear (contract §4).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { acknowledgeAlert, clearAlert } from '../../../domain/alerts/lifecycle.js';
import { listAlerts } from '../../../domain/alerts/queries.js';
import { getAlert } from '../../../domain/alerts/view.js';
import type { DomainContext } from '../../../domain/context.js';
import { isDomainError } from '../../../domain/errors.js';
import { isUuid } from '../../../domain/ids.js';
import { principalOf } from '../auth.js';
import { ErrorResponses, V1Error } from '../errors.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged } from '../schemas.js';
import { AlertSchema } from './presenter.js';

const Query = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('cleared')])),
    deviceId: Type.Optional(Type.String({ maxLength: 64 })),
    customerId: Type.Optional(Type.String({ maxLength: 64, description: 'Alerts of the devices this customer owns now' })),
    severity: Type.Optional(Type.Union([Type.Literal('critical'), Type.Literal('major'), Type.Literal('minor'), Type.Literal('warning')])),
    ruleId: Type.Optional(Type.String({ maxLength: 64 })),
    ...PaginationQuery,
  },
  { additionalProperties: false },
);

// An id that is not a UUID matches nothing, like an unknown one.
const NO_MATCH = '00000000-0000-0000-0000-000000000000';
const idFilter = (value: string | undefined) => (value === undefined ? undefined : isUuid(value) ? value.toLowerCase() : NO_MATCH);

function alertProblem(error: unknown): never {
  if (isDomainError(error, 'alert_not_found')) throw new V1Error('not_found', 'Alert not found');
  if (isDomainError(error, 'invalid_input')) throw new V1Error('bad_request', `${error.problem.field} ${error.problem.reason}`);
  throw error;
}

export function registerAlertRoutes(app: FastifyInstance, ctx: DomainContext): void {
  const base = tagged('alerts');

  app.get(
    '/alerts',
    { schema: { ...base, summary: 'Alerts newest first, filtered by status, device, current owner, severity or rule', querystring: Query, response: { 200: PageOf(AlertSchema), ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof Query>;
      return listAlerts(ctx.database.db, organizationId, {
        status: query.status,
        deviceId: idFilter(query.deviceId),
        customerId: idFilter(query.customerId),
        severity: query.severity,
        ruleId: idFilter(query.ruleId),
        limit: readLimit(query),
        cursor: query.cursor,
      }).catch(alertProblem);
    },
  );

  app.get(
    '/alerts/:id',
    { schema: { ...base, summary: 'An alert', params: IdParams, response: { 200: AlertSchema, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const alert = await getAlert(ctx.database.db, organizationId, idOr404(request.params, 'Alert'));
      if (!alert) throw new V1Error('not_found', 'Alert not found');
      return alert;
    },
  );

  app.post(
    '/alerts/:id/acknowledge',
    { schema: { ...base, summary: 'Acknowledge an alert (idempotent)', params: IdParams, response: { 200: AlertSchema, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      return acknowledgeAlert(ctx, organizationId, idOr404(request.params, 'Alert')).catch(alertProblem);
    },
  );

  app.post(
    '/alerts/:id/clear',
    { schema: { ...base, summary: 'Clear an alert by hand (idempotent)', params: IdParams, response: { 200: AlertSchema, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      return clearAlert(ctx, organizationId, idOr404(request.params, 'Alert')).catch(alertProblem);
    },
  );
}
