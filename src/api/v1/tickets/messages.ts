import { ErrorResponses } from '../errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../../domain/context.js';
import { ticketMessages } from '../../../domain/dashboard/queries.js';
import { addReply, REPLY_MAX_LENGTH } from '../../../domain/tickets/workflow.js';
import { principalOf } from '../auth.js';
import { V1Error } from '../errors.js';
import { idOr404, IdParams } from '../path-id.js';
import { v1Problem } from '../problems.js';
import { tagged } from '../schemas.js';
import { actorOf } from './actor.js';
import { MessageSchema, StatusSchema } from './presenter.js';

const Body = Type.Object(
  {
    role: Type.Union([Type.Literal('customer'), Type.Literal('agent')], {
      description: "customer: the customer's side (their app, their e-mail); agent: a reply or note of the team",
    }),
    content: Type.String({ minLength: 1, maxLength: REPLY_MAX_LENGTH }),
    kind: Type.Optional(Type.Union([Type.Literal('message'), Type.Literal('note')], { description: 'note: internal, agent only' })),
    status: Type.Optional(StatusSchema),
  },
  { additionalProperties: false },
);

export function registerAddMessage(app: FastifyInstance, ctx: DomainContext): void {
  app.post(
    '/tickets/:id/messages',
    {
      schema: {
        ...tagged('tickets'),
        summary:
          "Add a message: the customer's (moves a ticket waiting for the customer back to open), or an agent's reply or internal note, optionally setting the status in the same step",
        params: IdParams,
        body: Body,
        response: { 201: MessageSchema, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const id = idOr404(request.params, 'Ticket');
      const body = request.body as Static<typeof Body>;
      if (body.kind === 'note' && body.role !== 'agent') throw new V1Error('bad_request', 'a note is written by an agent: role must be agent');
      const added = await addReply(ctx, principal.organizationId, id, {
        role: body.role,
        content: body.content,
        kind: body.kind ?? 'message',
        // The customer's message is the customer's: the caller only relays it.
        ...(body.role === 'agent' && { author: actorOf(principal) }),
        ...(body.status !== undefined && { status: body.status }),
      }).catch(v1Problem);
      const messages = await ticketMessages(ctx.database.db, principal.organizationId, id, { includeNotes: true });
      const message = messages.find((m) => m.id === added.messageId);
      if (!message) throw new V1Error('not_found', 'Ticket not found');
      return reply.code(201).send(message);
    },
  );
}
