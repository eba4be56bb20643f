// A local SMTP server standing in for the recipients' mail servers: it records every message it accepts, and
// refuses the next ones for now when a test asks it to.
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export interface MailReceiver {
  /** TELEMAP_SMTP_URL for a server that sends here. */
  readonly url: string;
  readonly received: Mail[];
  /** How many of the next messages to refuse with 451 (try again later). */
  refuseNext: number;
}

/** Starts a receiver on loopback for the whole test file; it is closed after the file's tests. */
export async function startMailReceiver(): Promise<MailReceiver> {
  const receiver = { url: '', received: [] as Mail[], refuseNext: 0 };
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (receiver.refuseNext > 0) {
          receiver.refuseNext--;
          callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          return;
        }
        receiver.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
  receiver.url = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  return receiver;
}

/** Quoted-printable soft line breaks and escapes undone, enough to search the text. */
export function decoded(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
