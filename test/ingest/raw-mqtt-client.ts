// An MQTT 3.1.1 client written byte by byte, for what MQTT.js would hide or refuse to do: the order in which PUBACKs
// arrive, several publishes in one TCP write, and packets that announce more than they send.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface ReceivedPacket {
  /** The packet type (upper 4 bits of the first byte): 2 CONNACK, 4 PUBACK, … */
  type: number;
  body: Buffer;
}

export const CONNACK = 2;
export const PUBACK = 4;

/** The remaining length as MQTT writes it (§2.2.3). */
export function encodeLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

function utf8String(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * CONNECT, MQTT 3.1.1, clean session, with the device token as the username. Keep-alive is off, so that the broker
 * never closes the connection on its own: a test waiting for a close sees the close it is about.
 */
export function connectPacket(username: string, clientId = `raw-${process.pid}-${Math.random().toString(36).slice(2)}`): Buffer {
  const variableHeader = Buffer.concat([utf8String('MQTT'), Buffer.from([4, 0x80 | 0x02, 0, 0])]);
  const body = Buffer.concat([variableHeader, utf8String(clientId), utf8String(username)]);
  return Buffer.concat([Buffer.from([0x10]), encodeLength(body.length), body]);
}

/** The start of a PUBLISH up to its payload: fixed header announcing `payloadLength` bytes of payload, topic, id. */
export function publishHeader(topic: string, payloadLength: number, qos: 0 | 1, packetId = 0): Buffer {
  const id = Buffer.alloc(qos > 0 ? 2 : 0);
  if (qos > 0) id.writeUInt16BE(packetId);
  const variableHeader = Buffer.concat([utf8String(topic), id]);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1)]), encodeLength(variableHeader.length + payloadLength), variableHeader]);
}

export function publishPacket(topic: string, payload: string | Buffer, qos: 0 | 1, packetId = 0): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([publishHeader(topic, bytes.length, qos, packetId), bytes]);
}

export class RawMqttClient {
  /** Every packet received so far, in order. */
  readonly received: ReceivedPacket[] = [];
  /** Resolves when the connection has closed, from either side. */
  readonly closed: Promise<void>;
  private buffered = Buffer.alloc(0);
  /** How many of `received` `packets()` has handed out. */
  private taken = 0;
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.takePackets();
    });
    // A connection the broker resets is closed as far as a test is concerned.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.wake());
  }

  static async open(port: number): Promise<RawMqttClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawMqttClient(socket);
  }

  /** Opens a connection and sends CONNECT with `token`; resolves with the client once CONNACK 0 arrives. */
  static async connectDevice(port: number, token: string): Promise<RawMqttClient> {
    const client = await RawMqttClient.open(port);
    client.send(connectPacket(token));
    const [connack] = await client.packets(1);
    if (connack?.type !== CONNACK || connack.body[1] !== 0) throw new Error(`CONNECT refused: ${JSON.stringify(connack)}`);
    return client;
  }

  /** Writes the bytes as they are, in one write. */
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once `count` packets have arrived in all (the first `count`), or with fewer if the connection closes. */
  async packets(count: number): Promise<ReceivedPacket[]> {
    while (this.received.length < this.taken + count && !this.socket.destroyed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const packets = this.received.slice(this.taken, this.taken + count);
    this.taken += packets.length;
    return packets;
  }

  /** The packet ids of the next `count` packets, which must be PUBACKs. */
  async pubackIds(count: number): Promise<number[]> {
    const packets = await this.packets(count);
    for (const packet of packets) if (packet.type !== PUBACK) throw new Error(`expected a PUBACK, got packet type ${packet.type}`);
    return packets.map((packet) => packet.body.readUInt16BE(0));
  }

  /** Closes from this side, and waits for the close. */
  async end(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  private takePackets(): void {
    for (;;) {
      const header = this.header();
      if (!header || this.buffered.length < header.start + header.length) break;
      this.received.push({ type: this.buffered[0]! >> 4, body: this.buffered.subarray(header.start, header.start + header.length) });
      this.buffered = this.buffered.subarray(header.start + header.length);
    }
    this.wake();
  }

  /** Where the body of the first buffered packet starts and how long it is, once its fixed header is all here. */
  private header(): { start: number; length: number } | null {
    let length = 0;
    for (let i = 1; i <= 4 && i < this.buffered.length; i++) {
      const byte = this.buffered[i]!;
      length += (byte & 0x7f) * 128 ** (i - 1);
      if ((byte & 0x80) === 0) return { start: i + 1, length };
    }
    return null;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
