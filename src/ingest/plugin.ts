// MQTT ingest as part of the server: the embedded broker (TELEMAP_MQTT_PORT) and the external broker's shared
// subscription (TELEMAP_MQTT_URL) start when the app is ready, and stop with it, before the database closes.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { DomainContext } from '../domain/context.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
import { defaultSubscriberClientId, startExternalSubscriber, type ExternalSubscriber } from './external-subscriber.js';

export interface MqttIngest {
  /** The embedded broker once the app is ready; null when TELEMAP_MQTT_PORT is unset. */
  broker: EmbeddedBroker | null;
  /** The external broker's subscriber once the app is ready; null when TELEMAP_MQTT_URL is unset. */
  subscriber: ExternalSubscriber | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    mqttIngest: MqttIngest;
  }
}

export function registerMqttIngest(app: FastifyInstance, ctx: DomainContext, config: Config): void {
  const ingest: MqttIngest = { broker: null, subscriber: null };
  app.decorate('mqttIngest', ingest);
  if (config.mqttPort === null && config.mqttUrl === null) return;
  const log = app.log.child({ component: 'mqtt' });

  app.addHook('onReady', async () => {
    if (config.mqttPort !== null) {
      ingest.broker = await startEmbeddedBroker({ ctx, host: config.host, port: config.mqttPort, log });
    }
    if (config.mqttUrl !== null) {
      // Not awaited: a broker that is down must not keep the HTTP side from starting; MQTT.js keeps trying.
      ingest.subscriber = startExternalSubscriber({
        ctx,
        url: config.mqttUrl,
        shareGroup: config.mqttShareGroup,
        clientId: config.mqttClientId ?? defaultSubscriberClientId(config.mqttShareGroup, config.port),
        log,
      });
    }
  });
  // preClose: MQTT stops taking messages when HTTP stops taking requests, and its commits finish before the
  // database is closed.
  app.addHook('preClose', async () => {
    await Promise.all([ingest.broker?.close(), ingest.subscriber?.close()]);
  });
}
