import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GroveError, type Problem } from '../errors';
import { locate } from '../yaml/problems';
import { InputError, readObjects, type ObjectSource } from '../yaml/read-objects';
import { withoutSerialisedCopy } from './json-body';

declare module 'fastify' {
  interface FastifyRequest {
    /** where each object of a YAML body came from, to point its problems at document and line */
    yamlSources?: ObjectSource[];
    /** why a YAML body could not be read at all */
    yamlProblems?: LocatedProblem[];
  }
}

const APPLY_PATH = '/api/v1/apply';
const yamlTypes = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/**
 * `POST /api/v1/apply` takes a YAML body as `grove apply -f` reads a file: several documents, each
 * an object, a list of them or `{ objects: [...] }`; `?dryRun=true` as the JSON body's `dryRun`.
 * The objects then take the same path as a JSON body, so both are checked and written alike.
 */
export function registerYamlBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser(yamlTypes, { parseAs: 'string' }, (request: FastifyRequest, text: string | Buffer, done) => {
    if ((request.url.split('?')[0] ?? '') !== APPLY_PATH) return done(unsupported(request.url), undefined);
    try {
      const read = readObjects(String(text), 'body');
      request.yamlSources = read.sources;
      // The parsed body is what the same objects sent as JSON give; trpc-to-openapi, which serves
      // the route, takes only JSON bodies and checks the declared type, not the body.
      request.headers['content-type'] = request.raw.headers['content-type'] = 'application/json';
      const dryRun = (request.query as { dryRun?: string } | undefined)?.dryRun === 'true';
      done(null, withoutSerialisedCopy({ objects: read.objects, dryRun }));
    } catch (error) {
      if (!(error instanceof InputError)) return done(error as Error, undefined);
      request.yamlProblems = [{ path: '', message: error.message, ...definedOnly(error.at) }];
      done(Object.assign(new GroveError('BAD_REQUEST', `the body is not GroveObjects in YAML: ${error.message}`), { statusCode: 400 }), undefined);
    }
  });
}

export type LocatedProblem = Problem & { document?: number; item?: number; line?: number; object?: string };

/** The problems of a request, each of a YAML body with the document, item and line of its object. */
export function locateYamlProblems(request: FastifyRequest, problems: Problem[] | undefined): LocatedProblem[] | undefined {
  const sources = request.yamlSources;
  if (!sources || !problems) return problems ?? request.yamlProblems;
  return problems.map((problem) => {
    const located = locate(problem, sources);
    if (!located) return problem;
    const { source, line } = located;
    return { ...problem, document: source.document, ...(source.item ? { item: source.item } : {}), ...(line ? { line } : {}), ...(source.label ? { object: source.label } : {}) };
  });
}

function definedOnly(at: { document?: number; line?: number }): { document?: number; line?: number } {
  return { ...(at.document ? { document: at.document } : {}), ...(at.line ? { line: at.line } : {}) };
}

function unsupported(url: string): Error {
  return Object.assign(new Error(`YAML bodies are accepted by POST ${APPLY_PATH} only; send ${url.split('?')[0]} application/json`), { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
}
