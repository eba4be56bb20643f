// Readings from an external broker (Mosquitto, EMQX), for deployments of several processes: each process joins
// one shared subscription, and the broker hands each message to one of them.
//
// A message is acknowledged only once its readings are committed: MQTT.js sends the PUBACK when `handleMessage`
// calls back, and takes the connection's next message only then. A message that could not be committed is not
// acknowledged, and the connection is dropped: the broker sends it again when the session resumes.
//
// The session must outlive the connection for that (clean: false, with a session expiry), under a client id that
// is the same each time the process starts: the broker keeps the messages it sent and had no PUBACK for, and those
// routed to the session while it was away, and sends them when that client id comes back. A clean session would
// lose them with the connection; Mosquitto does not hand an unacknowledged message to another member of the group.
// Client ids must also differ between processes: two connections under one id push each other off the broker.
import { hostname } from 'node:os';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import type { FastifyBaseLogger } from 'fastify';
import type { DomainContext } from '../domain/context.js';
import { recordIngestError } from '../domain/telemetry/ingest-errors.js';
import { findTopicDevice } from './topic-device.js';
import { IngestQueue, type IngestQueueStats } from './ingest-queue.js';
import { decodePayload } from './payload.js';

/**
 * Connections per process. Each carries one message at a time (MQTT.js hands over the next once the previous is
 * acknowledged), so several let one process commit several messages together.
 */
export const SUBSCRIBER_CONNECTIONS = 4;
/** How long the broker keeps a session whose process is gone: a restart within this time loses nothing. */
export const SESSION_EXPIRY_SECONDS = 24 * 60 * 60;

export interface ExternalSubscriberOptions {
  ctx: DomainContext;
  url: string;
  shareGroup: string;
  /** Stable per process; each connection adds `-<n>`. */
  clientId: string;
  log: FastifyBaseLogger;
}

export interface ExternalSubscriber {
  readonly stats: IngestQueueStats & { dropped: number };
  /** Resolves once every connection has been accepted by the broker and has subscribed. */
  readonly ready: Promise<void>;
  /** Lets the commits under way finish and acknowledges them, then disconnects (the sessions stay). */
  close(): Promise<void>;
}

/** `telemap/{organizationId}/devices/{deviceIdentifier}/telemetry`, shared by the processes of `shareGroup`. */
export function sharedTelemetrySubscription(shareGroup: string): string {
  return `$share/${shareGroup}/telemap/+/devices/+/telemetry`;
}

export function defaultSubscriberClientId(shareGroup: string, httpPort: number): string {
  return `telemap-${shareGroup}-${hostname()}-${httpPort}`;
}

export function startExternalSubscriber(options: ExternalSubscriberOptions): ExternalSubscriber {
  const { ctx, log } = options;
  const queue = new IngestQueue(ctx);
  const pending = new Set<Promise<unknown>>();
  const counts = { dropped: 0 };
  const subscription = sharedTelemetrySubscription(options.shareGroup);
  let closing = false;

  /** Resolves when the message is committed or dropped for good; rejects when it should come again. */
  async function handle(packet: IPublishPacket): Promise<void> {
    const [root, organizationId, devices, identifier, leaf, ...rest] = packet.topic.split('/');
    if (root !== 'telemap' || devices !== 'devices' || leaf !== 'telemetry' || rest.length > 0 || !organizationId || !identifier) {
      counts.dropped++;
      log.warn({ topic: packet.topic }, 'mqtt: message on an unexpected topic dropped');
      return;
    }
    const found = await findTopicDevice(ctx.database.db, organizationId, identifier);
    if (typeof found === 'string') {
      counts.dropped++;
      log.warn({ organizationId, ...(found === 'unknown_device' ? { deviceIdentifier: identifier } : {}) }, `mqtt: message dropped: ${found.replace('_', ' ')}`);
      return;
    }
    const nowMs = ctx.clock.now().getTime();
    const decoded = decodePayload(packet.payload, nowMs, nowMs);
    if (!decoded.ok) {
      counts.dropped++;
      log.warn({ organizationId, deviceId: found.deviceId, problem: decoded.problem }, 'mqtt: payload dropped');
      await recordIngestError(ctx, organizationId, found.deviceId, decoded.problem);
      return;
    }
    if (decoded.readings.length === 0) return;
    await queue.submit({ organizationId, deviceId: found.deviceId, readings: decoded.readings });
  }

  const clients: MqttClient[] = [];
  const subscribed: Promise<void>[] = [];
  for (let n = 0; n < SUBSCRIBER_CONNECTIONS; n++) {
    const client = connect(options.url, {
      clientId: `${options.clientId}-${n}`,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
      reconnectPeriod: 1000,
      // The broker's copy of the subscription is the one that counts; it is renewed on every connect below.
      resubscribe: false,
    });
    client.handleMessage = (packet, callback) => {
      // A stopping process takes nothing new: without a PUBACK, the broker sends it again when the session resumes.
      if (closing) return;
      const work = handle(packet).then(
        () => callback(),
        (error: unknown) => {
          log.error({ err: error, topic: packet.topic }, 'mqtt: message not stored; reconnecting so that the broker sends it again');
          // Without a PUBACK the broker would keep the message in flight until the session resumes: make it resume.
          client.stream.destroy();
        },
      );
      pending.add(work);
      void work.finally(() => pending.delete(work));
    };
    subscribed.push(
      new Promise<void>((resolve) => {
        client.on('connect', () => {
          client.subscribe(subscription, { qos: 1 }, (error) => {
            if (error) log.error({ err: error }, 'mqtt: subscribing to the external broker failed');
            else resolve();
          });
        });
      }),
    );
    client.on('error', (error) => log.warn({ err: error.message }, 'mqtt: external broker connection error'));
    client.on('offline', () => log.warn('mqtt: external broker unreachable; reconnecting'));
    clients.push(client);
  }
  const ready = Promise.all(subscribed).then(() => {
    log.info({ subscription, connections: SUBSCRIBER_CONNECTIONS }, 'MQTT subscriber connected to the external broker');
  });

  return {
    ready,
    get stats() {
      return { ...queue.stats, dropped: counts.dropped };
    },
    async close() {
      closing = true;
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await queue.drain();
      await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.end(false, {}, () => resolve()))));
      log.info({ messages: queue.stats.messages, readings: queue.stats.readings, dropped: counts.dropped }, 'MQTT subscriber stopped');
    },
  };
}
