// Links from a notification into the dashboard: absolute with TELEMAP_PUBLIC_URL, else a path the reader resolves
// against wherever they reach the dashboard (a Slack message then shows the path as text).
export function dashboardLink(publicUrl: string | null, path: string): string {
  return `${publicUrl ?? ''}${path}`;
}

export const alertPath = (alertId: string) => `/alerts/${encodeURIComponent(alertId)}`;
export const ticketPath = (ticketId: string) => `/tickets/${encodeURIComponent(ticketId)}`;
