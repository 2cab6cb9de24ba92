import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { GroveError, type Problem } from '../../server/errors';

/** A valid Model object; `spec` overrides merge over a simulated draft model. */
export function modelObject(id: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id, title: `Model ${id}`, ...metadata },
    spec: {
      provider: 'simulated',
      model: `${id}-upstream`,
      capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 },
      contextWindow: 100_000,
      maxOutputTokens: 8_000,
      pricing: { inputPer1M: 1, outputPer1M: 2 },
      ...spec,
    },
  };
}

export function capabilityObject(id: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: 'grove/v1', kind: 'Capability', metadata: { id }, spec: { description: `the ${id} capability`, ...spec } };
}

/** Runs `action`, expects a tRPC error with `code`, and returns its problems (if any). */
export async function expectTrpcError(action: Promise<unknown>, code: TRPCError['code'], message?: RegExp): Promise<Problem[]> {
  const error = await action.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}, but the call succeeded`).toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  expect(trpcError.code, trpcError.message).toBe(code);
  if (message) expect(trpcError.message).toMatch(message);
  const cause = trpcError.cause;
  if (cause instanceof GroveError) return cause.problems;
  if (cause && 'issues' in cause) return (cause as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  return [];
}

export function paths(problems: Problem[]): string[] {
  return problems.map((problem) => problem.path).sort();
}
