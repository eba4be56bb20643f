// Lets background work in this process hear that a transaction has just committed (the outbox worker wakes on it
// instead of waiting for its next poll). Listeners run synchronously after every commit, so they must be cheap.
const listeners = new Set<() => void>();

/** Calls `listener` after every commit made through inTransaction in this process; returns the unsubscribe. */
export function onCommitted(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyCommitted(): void {
  for (const listener of listeners) listener();
}
