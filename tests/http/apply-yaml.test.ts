import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { testDrivers } from '../support/database';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';

type App = Awaited<ReturnType<typeof buildApp>>;
const yamlHeaders = (type = 'application/yaml') => ({ authorization: `Bearer ${ADMIN_KEY}`, 'content-type': type });

const model = (id: string, extra = '') => `apiVersion: grove/v1
kind: Model
metadata: { id: ${id} }
spec:
  provider: simulated
  model: sim
  capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }
  contextWindow: 8000
  maxOutputTokens: 1000
  pricing: { inputPer1M: 1, outputPer1M: 2 }${extra}
`;
const capability = `apiVersion: grove/v1
kind: Capability
metadata: { id: yaml-humour }
spec: { description: Jokes that land }
`;

interface ProblemJson {
  title: string;
  status: number;
  detail: string;
  problems?: Array<{ path: string; message: string; document?: number; line?: number; object?: string }>;
}

// `curl --data-binary @models.yaml -H 'content-type: application/yaml' /api/v1/apply`, as a kubectl user expects.
describe.each(testDrivers)('POST /api/v1/apply with a YAML body on %s', (driver) => {
  let grove: TestServices;
  let app: App;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    app = await buildApp(grove.services);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await grove.close();
  });

  const apply = (payload: string, type?: string, query = '') => app.inject({ method: 'POST', url: `/api/v1/apply${query}`, headers: yamlHeaders(type), payload });
  const ids = () => grove.services.registry.snapshot.models.map((entry) => entry.metadata.id);

  it('applies a multi-document file of mixed kinds, idempotently', async () => {
    const file = [capability, model('yaml-a'), model('yaml-b', '\n  fallbacks: [yaml-a]')].join('---\n');
    const first = await apply(file);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().results.map((result: { kind: string; id: string; action: string }) => `${result.kind}/${result.id} ${result.action}`)).toEqual([
      'Capability/yaml-humour created',
      'Model/yaml-a created',
      'Model/yaml-b created',
    ]);
    const again = await apply(file, 'text/yaml');
    expect(again.json().results.map((result: { action: string }) => result.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('takes a list in one document and dryRun from the query', async () => {
    const list = `- ${model('yaml-dry').trimEnd().replace(/\n/g, '\n  ')}\n`;
    const response = await apply(list, 'application/yaml; charset=utf-8', '?dryRun=true');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results).toEqual([expect.objectContaining({ kind: 'Model', id: 'yaml-dry', action: 'created' })]);
    expect(ids()).not.toContain('yaml-dry');
  });

  it('points the problems of an invalid object at its document and line, and writes nothing', async () => {
    const file = [model('yaml-fine'), model('yaml-bad').replace('contextWindow: 8000', 'contextWindow: lots')].join('---\n');
    const response = await apply(file);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json() as ProblemJson;
    expect(problem.problems).toEqual([expect.objectContaining({ path: '[1].spec.contextWindow', document: 2, line: 19, object: 'Model/yaml-bad' })]);
    expect(ids()).not.toContain('yaml-fine');
  });

  it('refuses a body that is not YAML with its line, and writes nothing', async () => {
    const response = await apply(`${model('yaml-broken')}---\nkind: Model\nmetadata: { id: [unclosed\n`);
    expect(response.statusCode).toBe(400);
    const problem = response.json() as ProblemJson;
    expect(problem.detail).toMatch(/document 2/);
    expect(problem.problems).toEqual([expect.objectContaining({ document: 2, line: expect.any(Number) })]);
    expect(ids()).not.toContain('yaml-broken');
  });

  it('refuses a scalar document and an empty body', async () => {
    expect((await apply('just words\n')).statusCode).toBe(400);
    expect((await apply('')).statusCode).toBe(400);
  });

  it('answers a wrong content type with 415 problem JSON, and YAML elsewhere than apply with 415', async () => {
    const plain = await apply(model('yaml-plain'), 'text/plain');
    expect(plain.statusCode).toBe(415);
    expect(plain.headers['content-type']).toMatch(/^application\/problem\+json/);
    const elsewhere = await app.inject({ method: 'POST', url: '/api/v1/models', headers: yamlHeaders(), payload: model('yaml-elsewhere') });
    expect(elsewhere.statusCode).toBe(415);
    expect((elsewhere.json() as ProblemJson).detail).toMatch(/apply/);
    expect(ids()).not.toContain('yaml-plain');
  });
});
