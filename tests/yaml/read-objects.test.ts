import { formatObjects } from '../../server/cli/export-format';
import { describeProblem, pathSegments } from '../../server/yaml/problems';
import { InputError, readObjects } from '../../server/yaml/read-objects';

const capability = (id: string) => ({ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id }, spec: {} });

describe('readObjects', () => {
  test.each([
    ['one object per YAML document, empty documents skipped', 'kind: A\nmetadata: { id: a }\n---\n---\nkind: B\nmetadata: { id: b }\n---\n', ['A/a', 'B/b'], [1, 3]],
    ['a YAML list', '- kind: A\n  metadata: { id: a }\n- kind: B\n  metadata: { id: b }\n', ['A/a', 'B/b'], [1, 1]],
    ['{ objects: [...] }', 'objects:\n  - kind: A\n    metadata: { id: a }\n', ['A/a'], [1]],
    ['an object without a name', 'kind: A\n', [undefined], [1]],
  ])('%s', (_name, text, labels, documents) => {
    const { objects, sources } = readObjects(text, 'file.yaml');
    expect(objects).toHaveLength(labels.length);
    expect(sources.map((source) => source.label)).toEqual(labels);
    expect(sources.map((source) => source.document)).toEqual(documents);
  });

  test('a JSON list keeps each item and its line', () => {
    const text = JSON.stringify([capability('a'), capability('b')], null, 2);
    const { objects, sources } = readObjects(text, 'list.json');
    expect(objects).toEqual([capability('a'), capability('b')]);
    expect(sources.map((source) => [source.item, source.locate(['metadata', 'id'])])).toEqual([[1, 6], [2, 14]]);
  });

  test.each([
    ['a scalar document', 'kind: A\n---\n42\n', 'file.yaml: document 2: expected a GroveObject'],
    ['nothing at all', '', 'file.yaml: no objects found'],
    ['an alias that cannot be resolved', 'kind: A\nmetadata: *nowhere\n', 'file.yaml'],
    ['a YAML syntax error', 'kind: A\n---\nkind: [B\n', /^file\.yaml:\d+: document 2: /],
  ])('rejects %s', (_name, text, message) => {
    expect(() => readObjects(text, 'file.yaml')).toThrow(InputError);
    expect(() => readObjects(text, 'file.yaml')).toThrow(message);
  });

  test('locate finds the nearest node that exists', () => {
    const [source] = readObjects('kind: Model\nmetadata: { id: m }\nspec:\n  pricing: { inputPer1M: -1 }\n', 'm.yaml').sources;
    expect(source!.locate(['spec', 'pricing', 'inputPer1M'])).toBe(4);
    expect(source!.locate(['spec', 'capabilities', 'speed'])).toBe(3);
    expect(source!.locate([])).toBe(1);
  });
});

describe('describeProblem', () => {
  const { sources } = readObjects('kind: Capability\nmetadata: { id: a }\n---\nkind: Model\nmetadata: { id: m }\nspec:\n  fallbacks: [x]\n', 'f.yaml');

  test.each([
    [{ path: '[1].spec.fallbacks[0]', message: 'bad' }, 'f.yaml:7 document 2 (Model/m): spec.fallbacks[0]: bad'],
    [{ path: 'Model/m: spec.fallbacks[0]', message: 'unknown model "x"' }, 'f.yaml:7 document 2 (Model/m): spec.fallbacks[0]: unknown model "x"'],
    [{ path: '[0]', message: 'must be an object' }, 'f.yaml:1 document 1 (Capability/a): must be an object'],
    [{ path: '[9].spec', message: 'no such object' }, '[9].spec: no such object'],
    [{ path: 'Model/ghost: spec', message: 'gone' }, 'Model/ghost: spec: gone'],
    [{ path: 'objects', message: 'too many' }, 'objects: too many'],
    [{ path: '', message: 'whole request' }, 'whole request'],
  ])('%j', (problem, expected) => {
    expect(describeProblem(problem, sources)).toBe(expected);
  });

  test('a lone object gets unprefixed paths, but request fields stay unmapped', () => {
    const lone = readObjects('kind: Model\nmetadata: { id: m }\nspec:\n  model: x\n', 'one.yaml').sources;
    expect(describeProblem({ path: 'spec.model', message: 'bad' }, lone)).toBe('one.yaml:4 document 1 (Model/m): spec.model: bad');
    expect(describeProblem({ path: 'dryRun', message: 'bad' }, lone)).toBe('dryRun: bad');
  });

  test('pathSegments splits names and indexes', () => {
    expect(pathSegments('spec.fallbacks[0].name')).toEqual(['spec', 'fallbacks', 0, 'name']);
  });
});

describe('formatObjects', () => {
  const object = { apiVersion: 'grove/v1', kind: 'Capability', metadata: { labels: { b: '2', a: '1' }, id: 'c', description: 'd', title: 't' }, spec: { zeta: 1, defaultScore: 5, description: 'x' }, status: { revision: 3 } };

  test('drops status and orders keys the way a person writes them', () => {
    const [document] = JSON.parse(formatObjects([object], 'json'));
    expect(Object.keys(document)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(document.metadata)).toEqual(['id', 'title', 'description', 'labels']);
    expect(Object.keys(document.metadata.labels)).toEqual(['a', 'b']);
    expect(Object.keys(document.spec)).toEqual(['description', 'defaultScore', 'zeta']);
  });

  test('YAML: one document per object', () => {
    const yaml = formatObjects([object, { ...object, metadata: { id: 'd' } }], 'yaml');
    expect(yaml.split('---\n')).toHaveLength(2);
    expect(yaml).not.toContain('status');
  });
});
