// A gzip-encoded request body, inflated as it streams in. Fastify's body limit then applies to the inflated bytes
// (the stream reports the encoded length it read as `receivedEncodedLength`, which Fastify checks against
// content-length), so a small body that inflates to gigabytes is refused at the limit instead of filling memory.
import { createGunzip, type Gunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { V1Error } from '../errors.js';

type EncodedLength = Gunzip & { receivedEncodedLength?: number };

export async function inflateGzipBody(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return payload;
  if (encoding !== 'gzip') throw new V1Error('unsupported_media_type', 'Content-Encoding: gzip is the only encoding accepted');
  const inflated: EncodedLength = createGunzip();
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    inflated.receivedEncodedLength! += chunk.length;
  });
  payload.on('error', (error) => inflated.destroy(error));
  return payload.pipe(inflated);
}

/** For the paths that take no encoding. */
export async function refuseEncodedBody(request: FastifyRequest): Promise<void> {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new V1Error('unsupported_media_type', 'This path takes no Content-Encoding; gzip is accepted on /api/v1/telemetry/batch');
  }
}
