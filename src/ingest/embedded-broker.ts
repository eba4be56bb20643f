// The embedded MQTT broker (Aedes): devices connect with their device token as the username and publish their own
// readings to ThingsBoard's topic. It is a broker only in name: nothing can subscribe, and every accepted publish
// ends in the database, not with other clients.
//
// The order of Aedes' hooks is what makes a QoS 1 PUBACK follow the commit: Aedes runs `authorizePublish` first
// and writes the PUBACK only once its callback has been called (lib/handlers/publish.js), so the readings are
// committed inside `authorizePublish`, and its callback is called after. A callback with an error closes the
// connection without a PUBACK, so a device whose readings were not stored sends them again. Those callbacks are
// called in the order the publishes arrived (in-order.ts), so that the PUBACKs go out in that order too.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { FastifyBaseLogger } from 'fastify';
import type { DomainContext } from '../domain/context.js';
import { hashSecret } from '../domain/secrets.js';
import { authenticateDeviceToken } from '../domain/telemetry/device-tokens.js';
import { recordIngestError } from '../domain/telemetry/ingest-errors.js';
import { InOrderReleases } from './in-order.js';
import { IngestQueue, TokenNoLongerValidError, type IngestQueueStats } from './ingest-queue.js';
import { liveTokenHashes } from './live-tokens.js';
import { guardPacketSize, MAX_PACKET_REMAINING_LENGTH, type PacketRefusal } from './packet-size-guard.js';
import { decodePayload } from './payload.js';

/** ThingsBoard's device telemetry topic: the device is the one the connection authenticated as. */
export const DEVICE_TELEMETRY_TOPIC = 'v1/devices/me/telemetry';

/** How long a stop waits for acknowledgements still in a socket's buffer before closing it anyway. */
const FLUSH_TIMEOUT_MS = 2000;

export interface EmbeddedBroker {
  /** The port it listens on (the one chosen by the system when configured as 0). */
  readonly port: number;
  /** What this broker has taken in since it started. */
  readonly stats: IngestQueueStats & { droppedPayloads: number };
  /** Stops accepting, lets the commits under way finish and their PUBACKs go out, then closes every connection. */
  close(): Promise<void>;
}

interface DeviceSession {
  organizationId: string;
  deviceId: string;
  tokenHash: string;
  /** The connection's publishes, released to Aedes (acknowledged or refused) in the order they arrived. */
  releases: InOrderReleases;
  /**
   * The connection's dropped payloads are recorded one after another, in the order they arrived, so that the
   * device's last ingest error is the last one it sent.
   */
  errorsRecorded: Promise<void>;
}

export interface EmbeddedBrokerOptions {
  ctx: DomainContext;
  host: string;
  port: number;
  log: FastifyBaseLogger;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { ctx, log } = options;
  const sessions = new WeakMap<Client, DeviceSession>();
  const queue = new IngestQueue(ctx, (tokens) => liveTokenHashes(ctx.database.db, tokens));
  const pending = new Set<Promise<unknown>>();
  const sockets = new Set<Socket>();
  const stats = { droppedPayloads: 0 };
  let closing = false;

  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const broker = await Aedes.createBroker({
    // A device's last will would be a publish nobody asked for: it is dropped before the session starts.
    preConnect: (_client, packet, done) => {
      packet.will = undefined;
      done(null, !closing);
    },

    authenticate: (client, username, _password, done) => {
      if (!username) return done(null, false);
      const check = authenticateDeviceToken(ctx, username).then(
        (device) => {
          if (!device || closing) return done(null, false);
          sessions.set(client, { organizationId: device.organizationId, deviceId: device.deviceId, tokenHash: hashSecret(username), releases: new InOrderReleases(), errorsRecorded: Promise.resolve() });
          done(null, true);
        },
        (error: unknown) => {
          log.error({ err: error }, 'mqtt: device token check failed');
          const unavailable = new Error('server unavailable') as AuthenticateError;
          (unavailable as { returnCode: number }).returnCode = 3;
          done(unavailable, false);
        },
      );
      track(check);
    },

    // Devices only publish; a subscription is answered with the failure code 0x80.
    authorizeSubscribe: (_client, _subscription, done) => done(null, null),

    // Aedes calls this in the order the publishes arrived, and acknowledges one when its callback is called.
    authorizePublish: (client, packet, done) => {
      const session = client ? sessions.get(client) : undefined;
      if (!client || !session) return done(new Error('not authenticated'));
      track(session.releases.add(admit(session, packet), done));
    },
  });

  /** Resolves once the publish may be acknowledged; rejects when the connection must close unacknowledged. */
  async function admit(session: DeviceSession, packet: PublishPacket): Promise<void> {
    if (packet.topic !== DEVICE_TELEMETRY_TOPIC) {
      log.warn({ deviceId: session.deviceId, organizationId: session.organizationId }, 'mqtt: publish to a topic other than v1/devices/me/telemetry; disconnecting');
      throw new Error('topic not allowed');
    }
    if (packet.qos > 1) {
      log.warn({ deviceId: session.deviceId }, 'mqtt: QoS 2 publish refused; disconnecting');
      throw new Error('QoS 2 not supported');
    }
    // A stopping broker takes nothing new: without a PUBACK, the device sends it again to the next server.
    if (closing) throw new Error('broker stopping');
    await ingest(session, packet);
  }

  /** Resolves once the publish is committed or dropped; rejects when the connection must close unacknowledged. */
  async function ingest(session: DeviceSession, packet: PublishPacket): Promise<void> {
    // Nothing is retained and nothing is forwarded: the payload's readings are all this broker keeps.
    packet.retain = false;
    const nowMs = ctx.clock.now().getTime();
    const decoded = decodePayload(packet.payload, nowMs, nowMs);
    packet.payload = Buffer.alloc(0);
    if (!decoded.ok) {
      stats.droppedPayloads++;
      log.warn({ deviceId: session.deviceId, organizationId: session.organizationId, problem: decoded.problem }, 'mqtt: payload dropped');
      const recorded = session.errorsRecorded.then(() =>
        recordIngestError(ctx, session.organizationId, session.deviceId, decoded.problem).catch((error: unknown) => {
          log.error({ err: error, deviceId: session.deviceId }, 'mqtt: recording an ingest error failed');
        }),
      );
      session.errorsRecorded = recorded;
      await recorded;
      return;
    }
    if (decoded.readings.length === 0) return;
    try {
      await queue.submit({ organizationId: session.organizationId, deviceId: session.deviceId, tokenHash: session.tokenHash, readings: decoded.readings });
    } catch (error) {
      if (error instanceof TokenNoLongerValidError) {
        log.info({ deviceId: session.deviceId, organizationId: session.organizationId }, 'mqtt: device token revoked or replaced; disconnecting');
      } else {
        log.error({ err: error, deviceId: session.deviceId }, 'mqtt: storing readings failed; disconnecting without PUBACK');
      }
      throw error;
    }
  }

  broker.on('clientError', (client: Client, error: Error) => {
    log.debug({ clientId: client.id, err: error.message }, 'mqtt: client error');
  });
  broker.on('connectionError', (_client: Client, error: Error) => {
    log.debug({ err: error.message }, 'mqtt: connection error');
  });

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const client = broker.handle(socket);
    const remoteAddress = socket.remoteAddress;
    guardPacketSize(socket, (refusal) => logRefusal(refusal, remoteAddress, sessions.get(client)));
  });

  /** Names the device when the connection had authenticated; the username is the token, so it is never logged. */
  function logRefusal(refusal: PacketRefusal, remoteAddress: string | undefined, session: DeviceSession | undefined): void {
    const who = { remoteAddress, deviceId: session?.deviceId, organizationId: session?.organizationId, packetType: refusal.packetType };
    if (refusal.reason === 'too_large') {
      log.warn({ ...who, remainingLength: refusal.remainingLength, limit: MAX_PACKET_REMAINING_LENGTH }, 'mqtt: packet over the size limit; disconnecting');
    } else {
      log.warn(who, 'mqtt: packet with a malformed remaining length; disconnecting');
    }
  }

  server.listen(options.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: options.host }, `MQTT broker listening at mqtt://${options.host}:${port}`);

  return {
    port,
    get stats() {
      return { ...queue.stats, droppedPayloads: stats.droppedPayloads };
    },
    async close() {
      closing = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await queue.drain();
      await Promise.all([...sockets].map(flushed));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await serverClosed;
      log.info({ messages: queue.stats.messages, readings: queue.stats.readings, droppedPayloads: stats.droppedPayloads }, 'MQTT broker stopped');
    },
  };
}

/** Resolves once what was written to the socket (PUBACKs) has left the process, or after a short wait. */
async function flushed(socket: Socket): Promise<void> {
  if (socket.destroyed || socket.writableLength === 0) return;
  await Promise.race([once(socket, 'drain'), once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS).unref())]);
}
