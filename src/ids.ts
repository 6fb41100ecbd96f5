/**
 * Ids Tessera generates. Profile ids are UUIDv7 (time-ordered: new profiles land at the end of
 * the primary-key index instead of at random pages). Random bytes are drawn from a pooled buffer:
 * one system call per 256 ids instead of one per id, on the ingest hot path.
 */
import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

const POOL = Buffer.alloc(16 * 256);
let offset = POOL.length;

function random16(): Uint8Array {
  if (offset >= POOL.length) { randomFillSync(POOL); offset = 0; }
  const bytes = new Uint8Array(POOL.buffer, POOL.byteOffset + offset, 16);
  offset += 16;
  return bytes;
}

export const newProfileId = (): string => `prf_${uuidv7({ random: random16() })}`;

/**
 * Ids of the events Tessera writes itself (timeline entries, server-assigned message ids) and of
 * webhook deliveries: time-ordered as well, so that their unique indexes grow at the end.
 */
export const newTimeOrderedId = (prefix: string): string => `${prefix}${uuidv7({ random: random16() })}`;

/**
 * Dead-letter ids: listed in the order they were made, also within one millisecond (uuid's v7
 * without given random bytes keeps a counter for that). Rare, so no pooled randomness needed.
 */
export const newDeadLetterId = (): string => `dl_${uuidv7()}`;
