// MQTT 3.1.1 §4.6: a server sends the PUBACKs of a connection in the order its QoS 1 PUBLISH packets arrived. The
// work behind each publish settles in no particular order (a dropped payload is done before the commit of an
// earlier valid one, say), so each connection hands Aedes the outcomes through one of these lines.

/** The outcome of a publish: null when it may be acknowledged, the error that closes the connection otherwise. */
export type Release = (error: Error | null) => void;

interface Place {
  outcome?: Error | null;
  release: Release;
}

export class InOrderReleases {
  private readonly line: Place[] = [];
  /** The first failure: the connection closes with it, so nothing after it is acknowledged. */
  private failed: Error | null = null;

  /**
   * Queues `release` behind those added before it: it is called with the outcome of `work` once `work` and every
   * earlier work have settled. Resolves once `work` has settled (not necessarily released yet: that waits for the
   * earlier ones, which resolve in turn).
   */
  add(work: Promise<void>, release: Release): Promise<void> {
    const place: Place = { release };
    this.line.push(place);
    return work.then(
      () => this.settle(place, null),
      (error: unknown) => this.settle(place, error instanceof Error ? error : new Error(String(error))),
    );
  }

  private settle(place: Place, outcome: Error | null): void {
    place.outcome = outcome;
    while (this.line.length > 0 && this.line[0]!.outcome !== undefined) {
      const next = this.line.shift()!;
      if (next.outcome) this.failed ??= next.outcome;
      next.release(this.failed);
    }
  }
}
