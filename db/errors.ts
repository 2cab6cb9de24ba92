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

/**
 * True when an error says the connection to the database is gone (closed, ended, reset), as
 * opposed to a statement the database refused: such a connection can carry nothing more.
 */
export function isConnectionLoss(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && (postgresJsConnectionCodes.has(code) || socketCodes.has(code))) return true;
  }
  return false;
}

/**
 * True when the database cancelled a statement for running past `statement_timeout` (SQLSTATE
 * 57014): the server's side of the same deadline the caller keeps, which can answer first.
 */
export function isStatementTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if ((current as { code?: unknown }).code === '57014') return true;
  }
  return false;
}
