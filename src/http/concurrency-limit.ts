// Lets a few requests of one route through at a time. The others wait in arrival order before their bodies are
// read, so their bytes stay in the socket's buffers rather than on the JavaScript heap. Made for bulk writes, which
// SQLite's single writer runs one after another anyway: many concurrent 1000-device requests otherwise each held a
// parsed body and its stringified rows while waiting their turn, which cost CPU in garbage collection and pushed
// memory up (measured in docs/performance/experiments.md).
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface ConcurrencyLimit {
  /** The route's onRequest hook: admits the request, or queues it. */
  onRequest: onRequestHookHandler;
  /** Wraps the route's handler, so that a place is held until the handler is done, even if its client left. */
  handler(handler: Handler): Handler;
}

/**
 * A request's place: 'admitted' once let through, 'handling' while the handler runs. It is given back when the
 * handler settles, or when the response closes (sent, or the client gone) without the handler having started (a
 * refused body, say). A request still waiting when its client goes away leaves the queue.
 */
interface Place {
  state: 'waiting' | 'admitted' | 'handling' | 'ended';
  start(): void;
}

export function concurrencyLimit(limit: number): ConcurrencyLimit {
  let taken = 0;
  const waiting = new Set<Place>();
  const places = new WeakMap<FastifyRequest, Place>();
  // A place given back goes to the longest-waiting request (a Set iterates in insertion order).
  const giveBack = (place: Place) => {
    place.state = 'ended';
    const next = waiting.values().next();
    if (next.done) {
      taken--;
    } else {
      waiting.delete(next.value);
      next.value.start();
    }
  };
  return {
    onRequest(request, reply, done) {
      // The hooks before this one (authentication) may have waited for the database while the client left: its
      // response has closed already and would never say so again, so a place taken now would never come back.
      if (reply.raw.destroyed) return done();
      const place: Place = {
        state: 'waiting',
        start() {
          place.state = 'admitted';
          done();
        },
      };
      places.set(request, place);
      reply.raw.once('close', () => {
        if (place.state === 'admitted') giveBack(place);
        else if (place.state === 'waiting') {
          waiting.delete(place);
          place.state = 'ended';
        }
      });
      if (taken < limit) {
        taken++;
        place.start();
      } else {
        waiting.add(place);
      }
    },
    handler(handler) {
      return async (request, reply) => {
        const place = places.get(request);
        if (place?.state !== 'admitted') return handler(request, reply);
        place.state = 'handling';
        try {
          return await handler(request, reply);
        } finally {
          giveBack(place);
        }
      };
    },
  };
}
