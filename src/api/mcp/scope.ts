// What every MCP tool acts with: the domain context and the one organization the caller speaks for.
import type { DomainContext } from '../../domain/context.js';
import type { Actor } from '../../domain/tickets/actor.js';

export interface ToolScope {
  readonly ctx: DomainContext;
  /** From the API key (HTTP) or --org (stdio); every query a tool makes is filtered by it. */
  readonly organizationId: string;
  /** Who the caller's ticket writes are recorded as: the API key (HTTP), or the operator's command (stdio). */
  readonly actor: Actor;
  /** Where a failure the caller cannot fix is reported, with its stack; never to the client. */
  logUnexpected(error: unknown, tool: string): void;
}
