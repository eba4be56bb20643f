// What the worker knows of waiting work of one kind (events to fan out, deliveries due). An idle worker, woken by
// its poll, reads first and only then opens a write transaction; a busy one, which knows there is more (a commit in
// this process recorded events, the last batch was full), goes straight to the transaction instead of paying a read
// that can only say what it knows; and a wake-up that brings no news (an attempt finished) costs nothing.
type Level = 'none' | 'maybe' | 'some';

export class WorkHint {
  private level: Level = 'maybe';

  /** Work may be waiting (a poll, a nudge). */
  maybe(): void {
    if (this.level === 'none') this.level = 'maybe';
  }

  /** Work is waiting. */
  some(): void {
    this.level = 'some';
  }

  /**
   * Takes the hint for one look: null when nothing is known to be waiting, otherwise whether to read before writing.
   * News that comes during the look raises the hint again.
   */
  take(): { probe: boolean } | null {
    const level = this.level;
    if (level === 'none') return null;
    this.level = 'none';
    return { probe: level === 'maybe' };
  }
}
