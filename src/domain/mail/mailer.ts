// Outgoing mail through the operator's SMTP server (TELEMAP_SMTP_URL), with a bound on how long one message may
// take, so that an attempt always ends within its lease.
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Where the recipient's answer goes (a ticket reply: the organization's support address). */
  replyTo?: string;
}

export type MailResult = { kind: 'sent' } | { kind: 'error'; error: string; permanent: boolean };

export interface Mailer {
  send(message: MailMessage): Promise<MailResult>;
  close(): void;
}

export function createMailer(config: MailConfig, timeoutMs: number): Mailer {
  const transport: Transporter = nodemailer.createTransport(config.smtpUrl, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as object);
  return {
    async send(message) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<MailResult>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'error', error: `The SMTP server did not answer within ${timeoutMs / 1000} s`, permanent: false }), timeoutMs);
      });
      const sending = transport
        .sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.replyTo && { replyTo: message.replyTo }),
        })
        .then((): MailResult => ({ kind: 'sent' }))
        .catch((error: { responseCode?: number; code?: string; response?: string }): MailResult => {
          // A 5xx reply is the server refusing for good (no such mailbox, policy); anything else may pass later.
          const permanent = typeof error.responseCode === 'number' && error.responseCode >= 500;
          const detail = error.responseCode ? `SMTP ${error.responseCode}` : (error.code ?? 'SMTP error');
          return { kind: 'error', error: `Mail not accepted (${detail})`, permanent };
        });
      try {
        return await Promise.race([sending, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => transport.close(),
  };
}
