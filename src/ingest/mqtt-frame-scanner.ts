// Follows the framing of an MQTT byte stream without parsing it: each packet's fixed header (a type byte and the
// "remaining length", 1 to 4 bytes of 7 bits each, least significant first: MQTT 3.1.1 §2.2.3, unchanged in MQTT 5)
// is read, and the rest of the packet is skipped by count. That is enough to know how large a packet will be from
// its first bytes, before anything waits for the rest of it, whatever way the stream is cut into chunks.

/** The bytes a remaining length may take (§2.2.3): a fifth is a malformed packet. */
const MAX_LENGTH_BYTES = 4;

export type FrameVerdict =
  | { ok: true }
  | { ok: false; reason: 'too_large'; packetType: string; remainingLength: number }
  | { ok: false; reason: 'malformed_length'; packetType: string };

const PACKET_TYPES = [
  'reserved (0)',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
] as const;

export class MqttFrameScanner {
  private phase: 'type' | 'length' | 'body' = 'type';
  /** The type byte of the packet whose header is being read. */
  private typeByte = 0;
  /** Bytes of the remaining length read so far, and their value. */
  private lengthBytes = 0;
  private length = 0;
  /** Bytes of the current packet's body not seen yet. */
  private bodyLeft = 0;
  private refusal: FrameVerdict | null = null;

  constructor(private readonly maxRemainingLength: number) {}

  /** Takes the stream's next bytes. Once a packet is refused, so is the stream: every later call says so. */
  scan(chunk: Uint8Array): FrameVerdict {
    if (this.refusal) return this.refusal;
    let at = 0;
    while (at < chunk.length) {
      if (this.phase === 'body') {
        const seen = Math.min(this.bodyLeft, chunk.length - at);
        at += seen;
        this.bodyLeft -= seen;
        if (this.bodyLeft === 0) this.phase = 'type';
      } else if (this.phase === 'type') {
        this.typeByte = chunk[at++]!;
        this.lengthBytes = 0;
        this.length = 0;
        this.phase = 'length';
      } else {
        const byte = chunk[at++]!;
        this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
        this.lengthBytes++;
        if (byte & 0x80) {
          if (this.lengthBytes === MAX_LENGTH_BYTES) return this.refuse({ ok: false, reason: 'malformed_length', packetType: this.packetType() });
        } else if (this.length > this.maxRemainingLength) {
          return this.refuse({ ok: false, reason: 'too_large', packetType: this.packetType(), remainingLength: this.length });
        } else {
          this.bodyLeft = this.length;
          this.phase = this.length > 0 ? 'body' : 'type';
        }
      }
    }
    return { ok: true };
  }

  private packetType(): string {
    return PACKET_TYPES[this.typeByte >> 4]!;
  }

  private refuse(verdict: FrameVerdict): FrameVerdict {
    this.refusal = verdict;
    return verdict;
  }
}
