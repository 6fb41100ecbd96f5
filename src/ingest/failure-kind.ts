/**
 * Whether a failed ingest write says something about its events or about the system. A systemic
 * failure (the database busy, locked, unreachable or out of disk; an I/O error) fails whatever is
 * written, so the request is answered 503 with Retry-After and the client retries later. Any other
 * unknown error may be caused by one event (a poison event): the queue isolates it by splitting the
 * write (ingest-queue.ts) and dead-letters the event that fails alone.
 *
 * Codes: SQLite result codes (https://www.sqlite.org/rescode.html), PostgreSQL SQLSTATE classes
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html), Node's system error codes.
 */

const SQLITE_SYSTEMIC = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|NOMEM|PROTOCOL|CORRUPT|NOTADB|INTERRUPT|PERM|AUTH)(_|$)/;
/** 08 connection, 40 transaction rollback (after the store's own retries), 53 resources (disk full), 55 lock/object in use, 57 operator intervention, 58 system/IO, XX internal. */
const POSTGRES_SYSTEMIC = /^(08|40|53|55|57|58|XX)[0-9A-Z]{3}$/;
/** Node system errors (fdatasync, sockets): ENOSPC, EIO, ECONNRESET … */
const NODE_SYSTEMIC = /^E[A-Z]{2,}$/;
/** node-postgres reports a lost connection or a pool timeout without a code. */
const PG_CONNECTION_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function isSystemicFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_SYSTEMIC.test(code) || POSTGRES_SYSTEMIC.test(code)) return true;
    if (NODE_SYSTEMIC.test(code) && 'syscall' in error) return true;
  }
  return PG_CONNECTION_MESSAGE.test(error.message);
}

/** `TypeError: message` — what a dead letter keeps of the error (no stack). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}
