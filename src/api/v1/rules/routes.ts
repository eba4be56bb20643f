// /api/v1/rules: create, list, read, change and delete the organization's rules (contract §3).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { listRules } from '../../../domain/rules/repository.js';
import { createRule, deleteRule, getRule, updateRule, type RuleOptions } from '../../../domain/rules/service.js';
import { principalOf } from '../auth.js';
import { ErrorResponses } from '../errors.js';
import { PageOf, PaginationQuery, readLimit } from '../pagination.js';
import { idOr404, IdParams } from '../path-id.js';
import { tagged } from '../schemas.js';
import { presentRule, requireRuleWriter, RuleBodyFields, RuleSchema, ruleProblem } from './presenter.js';

const CreateBody = Type.Object(
  {
    ...Object.fromEntries(Object.entries(RuleBodyFields).map(([name, schema]) => [name, Type.Optional(schema)])),
    name: RuleBodyFields.name,
    condition: RuleBodyFields.condition,
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  Object.fromEntries(Object.entries(RuleBodyFields).map(([name, schema]) => [name, Type.Optional(schema)])),
  { additionalProperties: false },
);
const ListQuery = Type.Object({ ...PaginationQuery }, { additionalProperties: false });

export function registerRuleRoutes(app: FastifyInstance, ctx: DomainContext, options: RuleOptions): void {
  const base = tagged('rules');
  // Before the body is validated: an agent is refused whatever it sends.
  const writer = { preValidation: async (request: FastifyRequest) => void requireRuleWriter(request) };

  app.post(
    '/rules',
    { ...writer, schema: { ...base, summary: 'Create a rule (admins, or organization credentials)', body: CreateBody, response: { 201: RuleSchema, ...ErrorResponses } } },
    async (request, reply) => {
      const organizationId = requireRuleWriter(request);
      const rule = await createRule(ctx, organizationId, request.body as Record<string, unknown>, options).catch(ruleProblem);
      return reply.code(201).send(presentRule(rule));
    },
  );

  app.get(
    '/rules',
    { schema: { ...base, summary: "The organization's rules, newest first", querystring: ListQuery, response: { 200: PageOf(RuleSchema), ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const query = request.query as Static<typeof ListQuery>;
      const page = await listRules(ctx.database.db, organizationId, { limit: readLimit(query), cursor: query.cursor }).catch(ruleProblem);
      return { data: page.data.map(presentRule), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/rules/:id',
    { schema: { ...base, summary: 'A rule', params: IdParams, response: { 200: RuleSchema, ...ErrorResponses } } },
    async (request) => {
      const { organizationId } = principalOf(request);
      const id = idOr404(request.params, 'Rule');
      return presentRule(await getRule(ctx, organizationId, id).catch(ruleProblem));
    },
  );

  app.patch(
    '/rules/:id',
    { ...writer, schema: { ...base, summary: 'Change any of a rule’s fields; disabling it clears its open alerts', params: IdParams, body: PatchBody, response: { 200: RuleSchema, ...ErrorResponses } } },
    async (request) => {
      const organizationId = requireRuleWriter(request);
      const id = idOr404(request.params, 'Rule');
      return presentRule(await updateRule(ctx, organizationId, id, request.body as Record<string, unknown>, options).catch(ruleProblem));
    },
  );

  app.delete(
    '/rules/:id',
    { ...writer, schema: { ...base, summary: 'Delete a rule; its open alerts are cleared', params: IdParams, response: { 200: RuleSchema, ...ErrorResponses } } },
    async (request) => {
      const organizationId = requireRuleWriter(request);
      const id = idOr404(request.params, 'Rule');
      return presentRule(await deleteRule(ctx, organizationId, id).catch(ruleProblem));
    },
  );
}
