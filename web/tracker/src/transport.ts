/**
 * Requests to Tessera. Bodies are JSON sent as text/plain with the write key inside, so that no
 * request needs a CORS preflight and the same body works for navigator.sendBeacon (page leave,
 * outbound clicks), which cannot set headers. Failures resolve to `{ status: 0 }`: the tracker
 * never throws into the page.
 */
export interface Answer<T = unknown> {
  status: number;
  body: T | null;
}

export interface Transport {
  post<T>(path: string, body: Record<string, unknown>, beacon?: boolean): Promise<Answer<T>>;
  get<T>(path: string, query: Record<string, string>, headers?: Record<string, string>): Promise<Answer<T>>;
}

async function answer<T>(request: Promise<Response>): Promise<Answer<T>> {
  try {
    const response = await request;
    let body: T | null = null;
    try { body = (await response.json()) as T; } catch { /* empty or not JSON */ }
    return { status: response.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

export function createTransport(host: string, writeKey: string): Transport {
  return {
    post(path, body, beacon) {
      const text = JSON.stringify({ ...body, writeKey });
      if (beacon && navigator.sendBeacon) {
        try {
          if (navigator.sendBeacon(host + path, new Blob([text], { type: 'text/plain' }))) return Promise.resolve({ status: 202, body: null });
        } catch { /* fall back to fetch */ }
      }
      return answer<never>(fetch(host + path, {
        method: 'POST', body: text, headers: { 'content-type': 'text/plain' }, credentials: 'omit', keepalive: text.length < 60_000,
      }));
    },
    get(path, query, headers) {
      const q = new URLSearchParams({ ...query, writeKey }).toString();
      return answer<never>(fetch(`${host}${path}?${q}`, { headers: headers ?? {}, credentials: 'omit' }));
    },
  };
}
