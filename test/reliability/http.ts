// A minimal JSON client for tests that talk to server processes over real sockets.
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs JSON; resolves with the answer, rejects when the connection fails (e.g. the server was killed). */
export async function postJson(baseUrl: string, path: string, apiKey: string, body: unknown): Promise<Answer> {
  const res = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function getJson(baseUrl: string, path: string, apiKey: string): Promise<Answer> {
  const res = await fetch(new URL(path, baseUrl), { headers: { 'x-api-key': apiKey } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
