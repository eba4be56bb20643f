// The messages that MQTT connections bring in at the same time commit together.
//
// An MQTT message is small (a device's few readings), and a transaction per message would spend most of its time
// committing. Messages that arrive while a commit runs wait for the next one, which takes all of them: one
// `ingestReadings` call per organization, with each device's readings of those messages side by side. Nothing is
// acknowledged before the commit that holds it, so batching changes when a PUBACK is sent, never whether it
// follows the commit.
//
// Each message still stands or falls on its own: when an organization's batch fails (a device deleted a moment
// ago, say), its messages are tried again one by one, so one bad message does not take the others with it.
import type { DomainContext } from '../domain/context.js';
import { ingestReadings } from '../domain/telemetry/ingest.js';
import { MAX_READINGS_PER_REQUEST, type Reading } from '../domain/telemetry/model.js';

export interface IngestMessage {
  organizationId: string;
  deviceId: string;
  readings: Reading[];
  /** The hash of the device token the message came with (embedded broker); checked again before the commit. */
  tokenHash?: string;
}

/** Of the given token hashes, those that still belong to a live device token (of the device given). */
export type LiveTokenCheck = (tokens: ReadonlyArray<{ tokenHash: string; deviceId: string }>) => Promise<Set<string>>;

/** Thrown for a message whose device token was revoked or replaced after its connection was accepted. */
export class TokenNoLongerValidError extends Error {
  constructor() {
    super('device token revoked or replaced');
  }
}

interface Waiting {
  message: IngestMessage;
  resolve(): void;
  reject(error: unknown): void;
}

export interface IngestQueueStats {
  /** Messages committed (each counted once, however many readings it held). */
  messages: number;
  readings: number;
}

export class IngestQueue {
  private readonly waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  readonly stats: IngestQueueStats = { messages: 0, readings: 0 };

  constructor(
    private readonly ctx: DomainContext,
    private readonly checkTokens?: LiveTokenCheck,
  ) {}

  /** Resolves once the message's readings are committed; rejects when they are not (and never will be). */
  submit(message: IngestMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message, resolve, reject });
      this.flushing ??= this.flushAll();
    });
  }

  /** Resolves when every message submitted so far is settled. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushAll(): Promise<void> {
    // Let the messages parsed from the same socket reads join the first batch instead of committing one alone.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.waiting.length > 0) await this.flush(this.takeBatch());
    } finally {
      this.flushing = null;
    }
  }

  /** Messages off the front, up to the per-request reading limit that ingestReadings holds every call to. */
  private takeBatch(): Waiting[] {
    let readings = 0;
    let count = 0;
    for (const item of this.waiting) {
      if (count > 0 && readings + item.message.readings.length > MAX_READINGS_PER_REQUEST) break;
      readings += item.message.readings.length;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async flush(batch: Waiting[]): Promise<void> {
    let admitted = batch;
    try {
      admitted = await this.withLiveTokens(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const byOrganization = new Map<string, Waiting[]>();
    for (const item of admitted) {
      const list = byOrganization.get(item.message.organizationId);
      if (list) list.push(item);
      else byOrganization.set(item.message.organizationId, [item]);
    }
    await Promise.all([...byOrganization].map(([organizationId, items]) => this.commit(organizationId, items)));
  }

  /** Rejects the messages whose token is no longer live, and hands back the others. */
  private async withLiveTokens(batch: Waiting[]): Promise<Waiting[]> {
    const tokens = new Map<string, string>();
    for (const { message } of batch) if (message.tokenHash) tokens.set(message.tokenHash, message.deviceId);
    if (tokens.size === 0 || !this.checkTokens) return batch;
    const live = await this.checkTokens([...tokens].map(([tokenHash, deviceId]) => ({ tokenHash, deviceId })));
    return batch.filter((item) => {
      if (!item.message.tokenHash || live.has(item.message.tokenHash)) return true;
      item.reject(new TokenNoLongerValidError());
      return false;
    });
  }

  private async commit(organizationId: string, items: Waiting[]): Promise<void> {
    try {
      await ingestReadings(this.ctx, organizationId, perDevice(items));
      this.settle(items);
    } catch (error) {
      if (items.length === 1) {
        items[0]!.reject(error);
        return;
      }
      for (const item of items) {
        try {
          await ingestReadings(this.ctx, organizationId, perDevice([item]));
          this.settle([item]);
        } catch (alone) {
          item.reject(alone);
        }
      }
    }
  }

  private settle(items: Waiting[]): void {
    for (const item of items) {
      this.stats.messages++;
      this.stats.readings += item.message.readings.length;
      item.resolve();
    }
  }
}

/** One entry per device, its messages' readings in the order they arrived (a later value of a ts wins). */
function perDevice(items: Waiting[]): Array<{ deviceId: string; readings: Reading[] }> {
  const byDevice = new Map<string, Reading[]>();
  for (const { message } of items) {
    const readings = byDevice.get(message.deviceId);
    if (readings) readings.push(...message.readings);
    else byDevice.set(message.deviceId, [...message.readings]);
  }
  return [...byDevice].map(([deviceId, readings]) => ({ deviceId, readings }));
}
