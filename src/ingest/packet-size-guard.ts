// Aedes' parser (mqtt-packet) has no packet size limit: it would hold a packet announcing 256 MiB until all of it
// had arrived, and only then could the payload check refuse it. This guard reads each packet's fixed header as it
// comes and closes the connection once a packet announces more than any packet Telemap accepts, before its body
// is buffered.
import type { Socket } from 'node:net';
import { MqttFrameScanner, type FrameVerdict } from './mqtt-frame-scanner.js';
import { MAX_PAYLOAD_BYTES } from './payload.js';

/**
 * The largest remaining length a packet may announce, of any type: a payload at the payload limit plus room for
 * the topic (at most 64 KiB long), the packet id and MQTT 5 properties. A payload over the payload limit but
 * within this one is still read, and dropped by the payload check like any other invalid payload.
 */
export const MAX_PACKET_REMAINING_LENGTH = MAX_PAYLOAD_BYTES + 64 * 1024;

export type PacketRefusal = Exclude<FrameVerdict, { ok: true }>;

/**
 * Watches the bytes Aedes reads from `socket`, and destroys it at the first packet over the limit (or with a
 * malformed length). Call it right after `broker.handle(socket)`.
 *
 * Aedes reads the socket in paused mode: `read()` on 'readable', and again only once the packets of the previous
 * read are handled. A paused stream emits 'data' for each chunk `read()` returns, before returning it, so a 'data'
 * listener sees every byte just before the parser does, without changing when or how much Aedes reads: with a
 * 'readable' listener in place, a 'data' listener does not switch the stream to flowing (which is why it is added
 * after Aedes' listener). Bytes Aedes has not read yet wait in the socket's buffer, which stops reading from the
 * network at its high-water mark.
 */
export function guardPacketSize(socket: Socket, onRefused: (refusal: PacketRefusal) => void, maxRemainingLength = MAX_PACKET_REMAINING_LENGTH): void {
  const scanner = new MqttFrameScanner(maxRemainingLength);
  socket.on('data', (chunk: Buffer) => {
    const verdict = scanner.scan(chunk);
    if (verdict.ok || socket.destroyed) return;
    socket.destroy();
    onRefused(verdict);
  });
}
