/**
 * A minimal HTTP/1.1 keep-alive client connection over a raw socket, one request at a time.
 *
 * Why not undici or autocannon: on a 2-core machine the generator shares the CPU with the server,
 * so it must cost as little as possible per request, and the benchmark needs to stop issuing at the
 * end of a run and still wait for every answer (so that "events acknowledged" is exact and can be
 * checked against the store). Writing the request bytes and reading status + length is all we need.
 *
 * Responses are framed by Content-Length, or by the terminating chunk for chunked JSON (JSON bodies
 * contain no raw CRLF, so "\r\n0\r\n\r\n" can only be the end). `Connection: close` reconnects.
 */
import { connect, type Socket } from 'node:net';

interface Waiter {
  resolve(status: number): void;
  reject(error: Error): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

export class HttpConnection {
  private socket: Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;

  constructor(private readonly host: string, private readonly port: number) {}

  /** Sends one request (head, then body: one writev); resolves with the response status. */
  request(head: Buffer, body: Buffer): Promise<number> {
    if (this.waiter) return Promise.reject(new Error('a request is already in flight on this connection'));
    const socket = this.socket ?? this.open();
    return new Promise<number>((resolve, reject) => {
      this.waiter = { resolve, reject };
      socket.cork();
      socket.write(head);
      socket.write(body);
      socket.uncork();
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => { if (this.socket === socket) this.onData(chunk); });
    // A socket we already replaced (after `Connection: close`) must not fail the next request.
    const fail = (error: Error) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const waiter = this.waiter;
      this.waiter = null;
      waiter?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headerEnd = this.buffer.indexOf(HEADER_END);
    if (headerEnd === -1) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const bodyStart = headerEnd + HEADER_END.length;
    let end: number;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) {
      end = bodyStart + Number(length[1]);
      if (this.buffer.length < end) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const at = this.buffer.indexOf(CHUNKED_END, bodyStart - 2);
      if (at === -1) return;
      end = at + CHUNKED_END.length;
    } else {
      end = bodyStart;
    }
    const status = Number(head.slice(9, 12));
    this.buffer = this.buffer.subarray(end);
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(status);
  }
}
