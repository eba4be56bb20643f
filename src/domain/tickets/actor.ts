// Who did something to a ticket: wrote a message, changed its status, assigned it. Stored on each message and each
// timeline entry as (type, id, name), the name as it was at the time so the history reads the same after renames.

export const ACTOR_TYPES = ['user', 'api_key', 'integration', 'customer', 'bot', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface Actor {
  type: ActorType;
  /** The user, API key or customer id; null for the others. */
  id: string | null;
  /** A user's e-mail, a key's name, a customer's e-mail; null when there is nothing to show. */
  name: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: null };

export function userActor(user: { userId: string; email: string }): Actor {
  return { type: 'user', id: user.userId, name: user.email };
}

/** Stored columns of an actor, for inserts. */
export function actorColumns(actor: Actor, prefix: 'author' | 'actor') {
  return { [`${prefix}_type`]: actor.type, [`${prefix}_id`]: actor.id, [`${prefix}_name`]: actor.name } as Record<string, string | null>;
}
