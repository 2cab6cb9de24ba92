import type { ObjectSource } from './read-objects';

/** A problem as the server lists it (see server/errors.ts). */
export interface Problem {
  path: string;
  message: string;
}

/** Where in a YAML or JSON file a server problem points. */
export interface ProblemLocation {
  source: ObjectSource;
  /** the problem's path inside its object */
  path: string;
  line?: number;
}

/**
 * Finds the object a server problem belongs to. The server prefixes a problem's path with the
 * object's index (`[2].spec.pricing`) or, for checks across objects, its name
 * (`Model/foo: spec.fallbacks[0]`); a lone object gets no prefix.
 */
export function locate(problem: Problem, sources: ReadonlyArray<ObjectSource>): ProblemLocation | undefined {
  const located = locateProblem(problem.path, sources);
  return located && { ...located, line: located.source.locate(pathSegments(located.path)) };
}

/** Shows a server problem against the file it came from. */
export function describeProblem(problem: Problem, sources: ReadonlyArray<ObjectSource>): string {
  const located = locate(problem, sources);
  if (!located) return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
  const { source, path, line } = located;
  const where = `${source.file}${line ? `:${line}` : ''} document ${source.document}${source.item ? ` item ${source.item}` : ''}${source.label ? ` (${source.label})` : ''}`;
  return path ? `${where}: ${path}: ${problem.message}` : `${where}: ${problem.message}`;
}

function locateProblem(path: string, sources: ReadonlyArray<ObjectSource>): { source: ObjectSource; path: string } | undefined {
  const indexed = /^\[(\d+)\]\.?(.*)$/.exec(path);
  if (indexed) {
    const source = sources[Number(indexed[1])];
    return source && { source, path: indexed[2]! };
  }
  const named = /^([A-Za-z]+\/[^:\s]+): (.*)$/.exec(path);
  if (named) {
    const source = sources.find((candidate) => candidate.label === named[1]);
    return source && { source, path: named[2]! };
  }
  // The request's own fields (`objects`, `dryRun`) belong to no object.
  if (sources.length === 1 && !/^(objects|dryRun)\b/.test(path)) return { source: sources[0]!, path };
  return undefined;
}

/** `spec.fallbacks[0]` → ['spec', 'fallbacks', 0] */
export function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/\[(\d+)\]|[^.[\]]+/g)].map((match) => (match[1] === undefined ? match[0] : Number(match[1])));
}
