/**
 * A real HTTP receiver of webhooks on 127.0.0.1 for tests: records every request (headers, body,
 * when) and answers each with the status the test chose (`fail` first, then `ok`).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedRequest {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** The status of the next answers (default 200). */
  answer: number;
  /** While true, requests are recorded but not answered until `release()` (a slow receiver). */
  hold: boolean;
  release(): void;
  /** Resolves once `predicate` holds for the requests received (polling; fails after `timeoutMs`). */
  until(predicate: (received: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const held: Array<() => void> = [];
  const receiver: WebhookReceiver = {
    url: '', received: [], answer: 200, hold: false,
    release() {
      receiver.hold = false;
      for (const answer of held.splice(0)) answer();
    },
    async until(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline) throw new Error(`the receiver did not get what was expected within ${timeoutMs} ms; got ${receiver.received.length} requests`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const answered = receiver.answer;
      receiver.received.push({ at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      const answer = () => response.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'try later');
      if (receiver.hold) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/tessera`;
  return receiver;
}
