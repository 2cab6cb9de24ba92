import { TRPCClientError } from '@trpc/client';

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `CONFLICT`, ...), if the server sent one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string') return data.code;
  }
  return undefined;
}

export function isAuthError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UNAUTHORIZED' || code === 'FORBIDDEN';
}

/** A sentence an operator can act on; the server's own reason is kept whenever it sent one. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'CONFLICT':
      return `Someone else changed this model meanwhile; the page has been refreshed, try again. (${message})`;
    case 'UNAUTHORIZED':
      return 'The key was not accepted. Sign in again.';
    case 'FORBIDDEN':
      return 'This key lacks the admin scope needed here.';
    case undefined:
      return error instanceof TRPCClientError ? `Could not reach the Grove server: ${message}` : message;
    default:
      return message;
  }
}

/** The problems with the input a failed call names, each under its path (`spec.pricing.inputPer1M`). */
export function serverProblems(error: unknown): Array<{ path: string; message: string }> {
  if (!(error instanceof TRPCClientError)) return [];
  const data: unknown = error.data;
  const problems = data && typeof data === 'object' && 'problems' in data ? data.problems : undefined;
  if (!Array.isArray(problems)) return [];
  return problems.filter((problem): problem is { path: string; message: string } => typeof problem?.path === 'string' && typeof problem?.message === 'string');
}
