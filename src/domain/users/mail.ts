// The e-mail carrying a link to set a password (an invite or a reset), sent at once through the configured SMTP
// server. A person is waiting for it on the page, and a link that failed to go out is simply requested again, so
// it does not wait in a queue.
import nodemailer from 'nodemailer';
import type { MailConfig } from '../../config.js';
import type { TokenPurpose } from './tokens.js';

export async function sendPasswordLink(mail: MailConfig, to: string, link: string, purpose: TokenPurpose, organizationName?: string): Promise<void> {
  const transport = nodemailer.createTransport(mail.smtpUrl);
  try {
    const subject = purpose === 'invite' ? `You are invited to ${organizationName ?? 'Telemap'}` : 'Set a new Telemap password';
    const lead =
      purpose === 'invite'
        ? `You were invited to the help desk of ${organizationName ?? 'your organization'} on Telemap.`
        : 'Someone (hopefully you) asked to set a new password for your Telemap account.';
    const expiry = purpose === 'invite' ? 'This link works once, for 7 days.' : 'This link works once, for 1 hour. If you did not ask for it, ignore this e-mail.';
    await transport.sendMail({
      from: mail.from,
      to,
      subject,
      text: `${lead}\n\nChoose your password here:\n${link}\n\n${expiry}\n`,
    });
  } finally {
    transport.close();
  }
}
