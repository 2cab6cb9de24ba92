import { DatabaseUnavailableError } from '../db/deadline';

export { DatabaseUnavailableError };
import { isDatabaseError } from '../db/errors';

/** One path-qualified problem with an input, as every API lists them. */
export interface Problem {
  path: string;
  message: string;
}

export type GroveErrorCode = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'PAYLOAD_TOO_LARGE';

export const HTTP_STATUS: Record<GroveErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

/**
 * A domain error: the caller's mistake, with every problem listed. The edges (tRPC, REST, /v1, the
 * CLI) translate it into their own format.
 */
export class GroveError extends Error {
  constructor(
    readonly code: GroveErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'GroveError';
  }
}

export function invalid(problems: Problem[], message = 'invalid input'): GroveError {
  const summary = problems.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message)).join('; ');
  return new GroveError('BAD_REQUEST', `${message}: ${summary}`, problems);
}

export function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

export function problemsFromZod(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): Problem[] {
  return issues.map((issue) => ({ path: prefix + (prefix && issue.path.length ? '.' : '') + pathOf(issue.path), message: issue.message }));
}

/** What every edge (tRPC, REST, /v1) answers 503 "database unavailable" for. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (current instanceof DatabaseUnavailableError) return true;
  }
  return isDatabaseError(error);
}
