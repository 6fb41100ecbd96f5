/** Appends bytes to a buffer that grows as needed; `done()` returns the bytes written. */
export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(estimate: number) {
    this.buffer = Buffer.allocUnsafe(estimate);
  }

  ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  // TypedArray#set and a char loop: cheaper than Buffer#copy / #write for pieces this small.
  bytes(b: Buffer): void {
    this.ensure(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  ascii(s: string): void {
    this.ensure(s.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < s.length; i++) buffer[at++] = s.charCodeAt(i);
    this.length = at;
  }

  done(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
