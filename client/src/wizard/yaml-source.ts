import { parse, stringify } from 'yaml';
import { orderedModelSpec } from '../models/spec-order';
import { validateObject, type Problem } from './draft';

/** The object as YAML, keys in the documented order (what `grove export` prints). */
export function objectToYaml(object: Record<string, unknown>): string {
  return stringify({ ...object, spec: orderedModelSpec(object.spec as Record<string, unknown>) });
}

/**
 * A key typed as a value stays out of the review's text (it was masked when typed, and a review
 * is what gets screenshotted): it reads as this stand-in, which `withKey` turns back into the key.
 */
export function keyStandIn(key: string): string {
  return `(the key entered in step 1, ending in ${key.slice(-4)})`;
}

type Spec = { apiKey?: { value?: string } };

export function withoutKey(object: Record<string, unknown>): Record<string, unknown> {
  const spec = object.spec as Spec;
  if (spec.apiKey?.value === undefined) return object;
  return { ...object, spec: { ...spec, apiKey: { value: keyStandIn(spec.apiKey.value) } } };
}

export function withKey(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const spec = object.spec as Spec;
  if (!key || spec.apiKey?.value !== keyStandIn(key)) return object;
  return { ...object, spec: { ...spec, apiKey: { value: key } } };
}

export type YamlReading = { object: Record<string, unknown>; problems: [] } | { object: null; problems: Problem[] };

/**
 * The first step of reading YAML an operator typed: one object (a mapping), or the problem that
 * says why not. A syntax error names its line; a repeated key is an error, not a silent overwrite.
 */
export function parseYamlObject(text: string, what: string): { object: Record<string, unknown>; problem: null } | { object: null; problem: Problem } {
  let value: unknown;
  try {
    value = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    return { object: null, problem: { path: '', message: `Not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` } };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { object: null, problem: { path: '', message: `The YAML must be one ${what} object (apiVersion, kind, metadata, spec).` } };
  return { object: value as Record<string, unknown>, problem: null };
}

/**
 * Reads the review step's YAML: a well-formed object goes through the same strict schema as the
 * form, so an unknown or misspelled key is refused with its path rather than silently dropped.
 */
export function readYaml(text: string): YamlReading {
  const parsed = parseYamlObject(text, 'Model');
  if (parsed.problem) return { object: null, problems: [parsed.problem] };
  const problems = validateObject(parsed.object);
  return problems.length ? { object: null, problems } : { object: parsed.object, problems: [] };
}
