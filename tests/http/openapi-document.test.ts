import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../server/http/openapi-document';

/**
 * The OpenAPI document describes every request and response body fully: no schema anywhere in it
 * says nothing about its value (`{}`, `true`, or only a description), which is how `z.unknown()`
 * and the values of loose records and objects render.
 */
type Schema = Record<string, unknown> | boolean;

/** Keywords that say something about a value. */
const DESCRIBING = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'not', 'properties', 'items'];

/** Every schema within `schema` that describes nothing, by path. */
function emptySchemas(schema: Schema, path: string): string[] {
  if (typeof schema === 'boolean') return [`${path} (${schema})`];
  const found = DESCRIBING.some((keyword) => keyword in schema) ? [] : [path];
  const children: Array<[string, Schema]> = [];
  for (const keyword of ['properties', 'patternProperties', '$defs']) {
    for (const [name, child] of Object.entries((schema[keyword] ?? {}) as Record<string, Schema>)) children.push([`${path}.${keyword}.${name}`, child]);
  }
  for (const keyword of ['items', 'additionalProperties', 'propertyNames', 'not']) {
    // additionalProperties: false closes an object; anything else there describes its values
    if (keyword in schema && schema[keyword] !== false) children.push([`${path}.${keyword}`, schema[keyword] as Schema]);
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    ((schema[keyword] ?? []) as Schema[]).forEach((child, index) => children.push([`${path}.${keyword}[${index}]`, child]));
  }
  return found.concat(children.flatMap(([childPath, child]) => emptySchemas(child, childPath)));
}

interface Operation {
  parameters?: Array<{ name: string; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

describe('the OpenAPI document', () => {
  const document = openApiDocument('test');
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) => Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));
  const components = (document.components?.schemas ?? {}) as Record<string, Schema>;

  it('lists the management API', () => {
    expect(operations.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['GET /v1/models', 'POST /v1/models', 'PATCH /v1/models/{id}', 'POST /v1/apply', 'GET /v1/policies', 'PUT /v1/policies/{id}', 'POST /v1/route/explain', 'GET /v1/decisions', 'GET /v1/decisions/{id}', 'GET /v1/health/models', 'GET /v1/alerts', 'POST /v1/alerts/test-webhook']),
    );
  });

  it('has no empty schema in any parameter, request body, response body or component', () => {
    const empty: string[] = [];
    for (const { name, operation } of operations) {
      for (const parameter of operation.parameters ?? []) empty.push(...emptySchemas(parameter.schema, `${name} parameter ${parameter.name}`));
      for (const [type, body] of Object.entries(operation.requestBody?.content ?? {})) empty.push(...emptySchemas(body.schema, `${name} request ${type}`));
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, body] of Object.entries(response.content ?? {})) empty.push(...emptySchemas(body.schema, `${name} ${status} ${type}`));
      }
    }
    for (const [name, schema] of Object.entries(components)) empty.push(...emptySchemas(schema, `#/components/schemas/${name}`));
    expect(empty).toEqual([]);
  });

  it('gives every operation a success body, and every refusal as problem JSON', () => {
    for (const { name, operation } of operations) {
      expect(operation.responses['200']?.content?.['application/json']?.schema, name).toBeDefined();
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) expect(response.content, `${name} ${status}`).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemJson' } } });
      }
    }
    expect(Object.keys(components).filter((name) => name.startsWith('error.'))).toEqual([]);
  });

  it('describes a policy spec in full, in the request and in the response', () => {
    const put = operations.find((entry) => entry.name === 'PUT /v1/policies/{id}')!.operation;
    const spec = (put.requestBody!.content['application/json']!.schema as { properties: Record<string, { properties?: Record<string, unknown> }> }).properties.spec!;
    expect(Object.keys(spec.properties ?? {})).toEqual(['rules', 'default']);
    const policy = components.RoutingPolicy as { properties: { spec: { properties?: Record<string, unknown> } } };
    expect(Object.keys(policy.properties.spec.properties ?? {})).toEqual(['rules', 'default']);
  });

  it('describes the apply answer in full, though the server does not parse it on the way out', () => {
    const apply = operations.find((entry) => entry.name === 'POST /v1/apply')!.operation;
    const body = apply.responses['200']!.content!['application/json']!.schema as { properties: { results: { type?: string; items?: { properties?: Record<string, { enum?: string[] }> } } } };
    expect(body.properties.results.type).toBe('array');
    expect(Object.keys(body.properties.results.items?.properties ?? {})).toEqual(['kind', 'id', 'action', 'revision']);
    expect(body.properties.results.items?.properties?.action?.enum).toEqual(['created', 'updated', 'unchanged']);
  });

  it('resolves every reference', () => {
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => decodeURIComponent(match[1]!));
    expect(references.length).toBeGreaterThan(0);
    for (const name of new Set(references)) expect(components[name], name).toBeDefined();
  });
});
