import { DrizzleQueryError } from 'drizzle-orm';

/** postgres.js's own connection failures (its errors name the host and port: never show them). */
const postgresJsConnectionCodes = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);
/** Node's socket errors, as postgres.js and pg reject a query with them when the server is gone. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const sqlState = /^[0-9A-Z]{5}$/;

/**
 * True when an error came from the database or its driver: a failed query through drizzle
 * (DrizzleQueryError, whose message is the SQL and its parameters), postgres.js's PostgresError and
 * connection errors, pg's and PGlite's DatabaseError (a SQLSTATE with a severity), a closed PGlite.
 * The edges answer these 503 "database unavailable" and log the detail. Driver knowledge lives
 * here, beside the drivers; the edges also map the server's own DatabaseUnavailableError.
 *
 * A bare socket error counts only as the error itself, not as some other error's cause: an
 * upstream provider's connection failure carries one as its cause and is not the database's.
 */
export function isDatabaseError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (current instanceof DrizzleQueryError || current.name === 'PostgresError') return true;
    const { code, severity } = current as { code?: unknown; severity?: unknown };
    if (typeof code === 'string' && typeof severity === 'string' && sqlState.test(code)) return true;
    if (typeof code === 'string' && postgresJsConnectionCodes.has(code)) return true;
    if (depth === 0 && typeof code === 'string' && socketCodes.has(code)) return true;
    if (current.message === 'PGlite is closed') return true;
  }
  return false;
}
