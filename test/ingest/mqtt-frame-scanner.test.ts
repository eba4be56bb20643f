// The framing scanner behind the embedded broker's packet size guard: whatever way a stream is cut into chunks, it
// reads every fixed header right, refuses the first packet announcing more than the limit as soon as its length is
// complete, and refuses a remaining length longer than 4 bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MqttFrameScanner, type FrameVerdict } from '../../src/ingest/mqtt-frame-scanner.js';
import { encodeLength } from './raw-mqtt-client.js';

const LIMIT = 1000;

/** A packet of `type` (1–15) whose body is `bodyLength` bytes. */
function packet(type: number, bodyLength: number): Buffer {
  return Buffer.concat([Buffer.from([type << 4, ...encodeLength(bodyLength)]), Buffer.alloc(bodyLength, 0xaa)]);
}

/** Feeds `stream` in pieces cut at `cuts`; the verdicts, one per piece. */
function scanInPieces(scanner: MqttFrameScanner, stream: Buffer, cuts: number[]): FrameVerdict[] {
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < stream.length), stream.length])].sort((a, b) => a - b);
  const verdicts: FrameVerdict[] = [];
  for (let i = 1; i < points.length; i++) verdicts.push(scanner.scan(stream.subarray(points[i - 1], points[i])));
  return verdicts;
}

const OK = { ok: true };

describe('MqttFrameScanner', () => {
  it('passes packets at the limit, refuses one a byte over it', () => {
    const scanner = new MqttFrameScanner(LIMIT);
    assert.deepEqual(scanner.scan(packet(3, LIMIT)), OK);
    assert.deepEqual(scanner.scan(Buffer.from([0x32, ...encodeLength(LIMIT + 1)])), {
      ok: false,
      reason: 'too_large',
      packetType: 'PUBLISH',
      remainingLength: LIMIT + 1,
    });
  });

  it('refuses at the header, without waiting for the body', () => {
    const scanner = new MqttFrameScanner(LIMIT);
    assert.deepEqual(scanner.scan(Buffer.from([0x10])), OK);
    assert.deepEqual(scanner.scan(Buffer.from(encodeLength(LIMIT + 1))), {
      ok: false,
      reason: 'too_large',
      packetType: 'CONNECT',
      remainingLength: LIMIT + 1,
    });
  });

  it('reads several packets in one chunk, and zero-length ones', () => {
    const scanner = new MqttFrameScanner(LIMIT);
    const pingreq = Buffer.from([0xc0, 0x00]);
    assert.deepEqual(scanner.scan(Buffer.concat([packet(1, 20), pingreq, packet(3, 500), pingreq, packet(3, LIMIT)])), OK);
    // The next header starts right after: a packet over the limit in the same chunk as good ones is refused.
    assert.deepEqual(scanner.scan(Buffer.concat([packet(4, 2), packet(8, LIMIT + 1)])), {
      ok: false,
      reason: 'too_large',
      packetType: 'SUBSCRIBE',
      remainingLength: LIMIT + 1,
    });
  });

  it('reads a header split across chunks, one byte at a time', () => {
    const scanner = new MqttFrameScanner(300_000);
    // 200,000 takes 3 length bytes.
    const stream = Buffer.concat([packet(3, 200_000), packet(12, 0)]);
    for (let at = 0; at < 6; at++) assert.deepEqual(scanner.scan(stream.subarray(at, at + 1)), OK);
    assert.deepEqual(scanner.scan(stream.subarray(6)), OK);
    const over = Buffer.from([0x30, ...encodeLength(300_001)]);
    const verdicts = [...over].map((byte) => scanner.scan(Buffer.from([byte])));
    assert.deepEqual(verdicts.slice(0, -1), [OK, OK, OK]);
    assert.deepEqual(verdicts.at(-1), { ok: false, reason: 'too_large', packetType: 'PUBLISH', remainingLength: 300_001 });
  });

  it('reads 4-byte lengths up to the largest MQTT allows', () => {
    const largest = 268_435_455;
    assert.deepEqual([...encodeLength(largest)], [0xff, 0xff, 0xff, 0x7f]);
    const within = new MqttFrameScanner(largest);
    assert.deepEqual(within.scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f])), OK);
    const refusing = new MqttFrameScanner(LIMIT);
    assert.deepEqual(refusing.scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f])), {
      ok: false,
      reason: 'too_large',
      packetType: 'PUBLISH',
      remainingLength: largest,
    });
    // 2,097,152 (128³) is the smallest length that takes 4 bytes.
    assert.deepEqual([...encodeLength(2_097_152)], [0x80, 0x80, 0x80, 0x01]);
    assert.deepEqual(new MqttFrameScanner(2_097_152).scan(packet(3, 2_097_152)), OK);
  });

  it('refuses a remaining length that goes on past 4 bytes', () => {
    const scanner = new MqttFrameScanner(Number.MAX_SAFE_INTEGER);
    assert.deepEqual(scanner.scan(Buffer.from([0x30, 0x80, 0x80])), OK);
    assert.deepEqual(scanner.scan(Buffer.from([0x80, 0x80, 0x01])), { ok: false, reason: 'malformed_length', packetType: 'PUBLISH' });
  });

  it('refuses everything after a refusal', () => {
    const scanner = new MqttFrameScanner(LIMIT);
    const refusal = scanner.scan(Buffer.from([0x30, ...encodeLength(LIMIT + 1)]));
    assert.equal(refusal.ok, false);
    assert.deepEqual(scanner.scan(packet(12, 0)), refusal);
  });

  it('any cut of a stream of good packets passes; the first packet over the limit is refused at its last length byte', () => {
    const packetArb = fc.record({ type: fc.integer({ min: 1, max: 15 }), length: fc.integer({ min: 0, max: LIMIT }) });
    fc.assert(
      fc.property(
        fc.array(packetArb, { maxLength: 12 }),
        fc.integer({ min: LIMIT + 1, max: 268_435_455 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (good, overLength, rawCuts) => {
          const goodStream = Buffer.concat(good.map((p) => packet(p.type, p.length)));
          const overHeader = Buffer.from([0x30, ...encodeLength(overLength)]);
          const stream = Buffer.concat([goodStream, overHeader, Buffer.alloc(8)]);
          const cuts = rawCuts.map((c) => c % (stream.length + 1));
          const scanner = new MqttFrameScanner(LIMIT);
          const refusedAt = goodStream.length + overHeader.length;
          const ends = [...new Set([...cuts.filter((c) => c > 0 && c < stream.length), stream.length])].sort((a, b) => a - b);
          const verdicts = scanInPieces(scanner, stream, cuts);
          verdicts.forEach((verdict, i) => {
            if (ends[i]! < refusedAt) assert.deepEqual(verdict, OK);
            else assert.deepEqual(verdict, { ok: false, reason: 'too_large', packetType: 'PUBLISH', remainingLength: overLength });
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
