import type { Problem } from '../errors';

/** RFC 9457 problem details, as /api answers every error. */
export interface ProblemJson<P extends Problem = Problem> {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string | undefined;
  problems?: P[];
}

/**
 * An error as /api answers it. /api serves the tRPC procedures (trpc-to-openapi), so an error
 * reaches it as tRPC renders it (./render-trpc-error.ts): `title` is its tRPC code, `status` the
 * HTTP status tRPC gives that code.
 */
export function renderProblemJson<P extends Problem>(status: number, title: string | undefined, detail: string | undefined, problems: P[] | undefined): ProblemJson<P> {
  return { type: 'about:blank', title: title ?? 'ERROR', status, detail, ...(problems ? { problems } : {}) };
}
