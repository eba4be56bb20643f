// GET /api/v1/users: the organization's dashboard users, so that callers can find the id to assign a ticket to
// (PATCH /api/v1/tickets/{id} {"assigneeId"}). Read-only: managing people is the dashboard's Users page (admins)
// and the CLI, where a person, not a leaked key, decides.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { listUsers } from '../../../domain/users/repository.js';
import { principalOf } from '../auth.js';
import { ErrorResponses } from '../errors.js';
import { tagged, Timestamp } from '../schemas.js';

const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Type.String({ description: 'admin or agent' }),
  state: Type.String({ description: 'active, invited (no password chosen yet) or disabled' }),
  createdAt: Timestamp,
});

export function registerUserRoutes(app: FastifyInstance, ctx: DomainContext): void {
  app.get(
    '/users',
    {
      schema: {
        ...tagged('users'),
        summary: "The organization's dashboard users, by e-mail (ids to assign tickets to)",
        response: { 200: Type.Object({ data: Type.Array(UserSchema) }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const users = await listUsers(ctx.database.db, organizationId);
      return {
        data: users.map((u) => ({
          id: u.id,
          email: u.email,
          role: u.role,
          state: u.disabledAt ? 'disabled' : u.hasPassword ? 'active' : 'invited',
          createdAt: u.createdAt,
        })),
      };
    },
  );
}
