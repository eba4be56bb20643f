import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { addReply, REPLY_MAX_LENGTH } from '../../../domain/tickets/workflow.js';
import { principalOf } from '../auth.js';
import { actorOf } from './actor.js';
import { idOr404, IdParams } from '../path-id.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { MessageSchema } from './presenter.js';

const Body = Type.Object({ content: Type.String({ minLength: 1, maxLength: REPLY_MAX_LENGTH }) });

export function registerAddReply(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/tickets/:id/replies',
    {
      schema: {
        ...tagged('tickets'),
        summary: "Append an agent reply to a ticket's conversation (session cookie: send x-csrf-token)",
        params: IdParams,
        body: Body,
        response: { 201: MessageSchema, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { organizationId } = principal;
      const id = idOr404(request.params, 'Ticket');
      const { content } = request.body as Static<typeof Body>;
      const author = actorOf(principal);
      const added = await addReply(ctx, organizationId, id, { role: 'agent', content, author }).catch(v1Problem);
      return reply.code(201).send({
        id: added.messageId,
        position: added.position,
        role: 'agent',
        kind: 'message',
        author,
        content: content.trim(),
        createdAt: added.createdAt,
      });
    },
  );
}
