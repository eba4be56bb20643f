// The e-mail an owner receives when an alert opens on their device: in the customer's terms (which device, what was
// noticed, what to do), with the ticket's reference. Plain text and HTML with the same content.
export interface AlertForMail {
  id?: string;
  ruleName?: string;
  deviceIdentifier?: string;
  deviceType?: string | null;
  severity?: string;
  openedAt?: string;
  ticketId?: string | null;
  diagnosis?: { summary?: string };
}

export interface OwnerMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function composeOwnerMail(alert: AlertForMail, owner: { name?: string | null }, organizationName: string): OwnerMail {
  const device = alert.deviceIdentifier ?? 'your device';
  const kind = alert.deviceType ? `${alert.deviceType} ` : 'device ';
  const greeting = owner.name ? `Hello ${owner.name},` : 'Hello,';
  const noticed = alert.diagnosis?.summary?.trim() || alert.ruleName || 'something unusual';
  const when = alert.openedAt ? ` on ${new Date(alert.openedAt).toUTCString()}` : '';
  const reference = alert.ticketId ?? null;
  const whatToDo = reference
    ? `Our support team has opened a case for it (reference ${reference}) and will follow up with you. There is nothing you need to do right now; if you reply or contact us, please quote that reference.`
    : `If the problem continues, or if you did not expect this, please contact ${organizationName} support and mention the device ${device}.`;

  const paragraphs = [
    greeting,
    `${organizationName} monitors your ${kind}${device}. We noticed a problem with it${when}: ${noticed}.`,
    `What to do: ${whatToDo}`,
    `Device: ${alert.deviceType ? `${alert.deviceType}, ` : ''}identifier ${device}`,
    ...(reference ? [`Ticket reference: ${reference}`] : []),
    `This message was sent to you because you own this device. — ${organizationName}`,
  ];
  return {
    subject: `${organizationName}: we noticed a problem with your ${kind}${device}`,
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}</body></html>`,
  };
}
