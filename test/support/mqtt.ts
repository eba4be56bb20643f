// MQTT clients for tests, on MQTT.js as devices and back ends use it: no automatic reconnect, so that a refused or
// closed connection is seen as such.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export const DEVICE_TOPIC = 'v1/devices/me/telemetry';

/** A connected client, or a rejection carrying the CONNACK return code (`code`) when the broker refused it. */
export function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** The device token as the username; the password is ignored. */
export function connectDevice(port: number, token: string | undefined, options: IClientOptions = {}): Promise<MqttClient> {
  // MQTT 3.1.1 allows a password only with a username.
  const credentials = token === undefined ? {} : { username: token, password: 'ignored' };
  return connectClient(`mqtt://127.0.0.1:${port}`, { ...credentials, ...options });
}

/** The CONNACK return code the broker answers `username` with (0: accepted). */
export async function connackCode(port: number, username: string | undefined): Promise<number> {
  try {
    const client = await connectDevice(port, username);
    await endClient(client);
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw error;
  }
}

/** Publishes at QoS 1 and resolves on the PUBACK; rejects when the connection closes first. */
export function publishAcked(client: MqttClient, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
  });
}

export function publishQos0(client: MqttClient, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, { qos: 0 }, (error) => (error ? reject(error) : resolve()));
  });
}

/** Resolves once the broker has closed the connection (or it was closed already). */
export function closedByBroker(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve();
    client.once('close', () => resolve());
  });
}

export function endClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(false, {}, () => resolve()));
}

/**
 * Publishes at QoS 1 a message the broker should answer by closing the connection: resolves once it has, with
 * whether a PUBACK came first. (MQTT.js keeps an unacknowledged QoS 1 message for a reconnect, so the client is
 * ended here to settle it.)
 */
export async function publishRefused(client: MqttClient, topic: string, payload: string): Promise<{ acknowledged: boolean }> {
  const closed = closedByBroker(client);
  const acked = publishAcked(client, topic, payload).then(
    () => true,
    () => false,
  );
  await closed;
  client.end(true);
  return { acknowledged: await acked };
}
