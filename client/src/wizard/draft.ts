import { CORE_CAPABILITIES, modelObjectInputSchema, type Provider } from '../../../shared/objects';

/**
 * The wizard's form state and its one translation to and from the GroveObject the server takes.
 * Validation is the server's own schema (shared/objects.ts), so the form and the server can
 * never disagree about what is valid; the server's answer is still shown, for what only it knows
 * (a taken id, a fallback that does not exist).
 */
export interface ModelDraft {
  id: string;
  title: string;
  provider: Provider;
  model: string;
  baseUrl: string;
  keySource: 'env' | 'value' | 'none';
  keyEnv: string;
  keyValue: string;
  capabilities: Record<string, number>;
  contextWindow: number | '';
  maxOutputTokens: number | '';
  inputPer1M: number | '';
  outputPer1M: number | '';
  timeoutMs: number | '';
  fallbacks: string[];
  aliases: string[];
  lifecycle: 'draft' | 'active';
  /** what the YAML held that the form has no field for (labels, headers…): carried through, never dropped */
  extraMetadata: Record<string, unknown>;
  extraSpec: Record<string, unknown>;
}

export const DEFAULT_KEY_ENV: Record<Provider, string> = { anthropic: 'ANTHROPIC_API_KEY', gemini: 'GEMINI_API_KEY', 'openai-compatible': 'OPENAI_API_KEY', simulated: '' };

export function emptyDraft(): ModelDraft {
  return {
    id: '',
    title: '',
    provider: 'anthropic',
    model: '',
    baseUrl: '',
    keySource: 'env',
    keyEnv: DEFAULT_KEY_ENV.anthropic,
    keyValue: '',
    capabilities: Object.fromEntries(CORE_CAPABILITIES.map((name) => [name, 50])),
    contextWindow: '',
    maxOutputTokens: '',
    inputPer1M: '',
    outputPer1M: '',
    timeoutMs: 60_000,
    fallbacks: [],
    aliases: [],
    lifecycle: 'draft',
    extraMetadata: {},
    extraSpec: {},
  };
}

/** A Grove id from an upstream name: `Claude-Sonnet 4.5` → `claude-sonnet-4.5`. */
export function idFromModelName(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
}

const number = (value: number | '') => (value === '' ? undefined : value);

export function draftToObject(draft: ModelDraft): Record<string, unknown> {
  const apiKey = draft.keySource === 'env' ? { env: draft.keyEnv.trim() } : draft.keySource === 'value' ? { value: draft.keyValue } : undefined;
  const spec: Record<string, unknown> = {
    provider: draft.provider,
    model: draft.model.trim(),
    ...(draft.baseUrl.trim() ? { baseUrl: draft.baseUrl.trim() } : {}),
    ...(apiKey ? { apiKey } : {}),
    capabilities: draft.capabilities,
    contextWindow: number(draft.contextWindow),
    maxOutputTokens: number(draft.maxOutputTokens),
    pricing: { inputPer1M: number(draft.inputPer1M), outputPer1M: number(draft.outputPer1M) },
    timeoutMs: number(draft.timeoutMs),
    fallbacks: draft.fallbacks,
    aliases: draft.aliases,
    lifecycle: draft.lifecycle,
    ...draft.extraSpec,
  };
  const metadata = { id: draft.id.trim(), ...(draft.title.trim() ? { title: draft.title.trim() } : {}), ...draft.extraMetadata };
  return { apiVersion: 'grove/v1', kind: 'Model', metadata, spec: dropUndefined(spec) };
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const FORM_SPEC_KEYS = new Set(['provider', 'model', 'baseUrl', 'apiKey', 'capabilities', 'contextWindow', 'maxOutputTokens', 'pricing', 'timeoutMs', 'fallbacks', 'aliases', 'lifecycle']);
const FORM_METADATA_KEYS = new Set(['id', 'title']);

/**
 * The form state of an object edited as YAML. Only called with an object the schema accepted, so
 * every field has its type; keys the form has no field for go to the extras.
 */
export function objectToDraft(object: Record<string, unknown>, previous: ModelDraft): ModelDraft {
  const metadata = object.metadata as Record<string, unknown>;
  const spec = object.spec as Record<string, unknown>;
  const apiKey = spec.apiKey as { env?: string; value?: string } | undefined;
  const pricing = spec.pricing as { inputPer1M: number; outputPer1M: number };
  return {
    id: metadata.id as string,
    title: (metadata.title as string | undefined) ?? '',
    provider: spec.provider as Provider,
    model: spec.model as string,
    baseUrl: (spec.baseUrl as string | undefined) ?? '',
    keySource: apiKey?.env !== undefined ? 'env' : apiKey?.value !== undefined ? 'value' : 'none',
    keyEnv: apiKey?.env ?? previous.keyEnv,
    keyValue: apiKey?.value ?? '',
    capabilities: spec.capabilities as Record<string, number>,
    contextWindow: spec.contextWindow as number,
    maxOutputTokens: spec.maxOutputTokens as number,
    inputPer1M: pricing.inputPer1M,
    outputPer1M: pricing.outputPer1M,
    timeoutMs: (spec.timeoutMs as number | undefined) ?? 60_000,
    fallbacks: (spec.fallbacks as string[] | undefined) ?? [],
    aliases: (spec.aliases as string[] | undefined) ?? [],
    lifecycle: spec.lifecycle === 'active' ? 'active' : 'draft',
    extraMetadata: Object.fromEntries(Object.entries(metadata).filter(([key]) => !FORM_METADATA_KEYS.has(key))),
    extraSpec: Object.fromEntries(Object.entries(spec).filter(([key]) => !FORM_SPEC_KEYS.has(key))),
  };
}

/** `spec.pricing.inputPer1M`, `spec.fallbacks[0]`: the server's spelling of a problem's path. */
export function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

export interface Problem {
  path: string;
  message: string;
}

/** Every problem the server's schema finds in the object, each under its path. */
export function validateObject(object: unknown): Problem[] {
  const parsed = modelObjectInputSchema.safeParse(object, { reportInput: true });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: isMissing(issue) ? 'required' : issue.message }));
}

/** A field left empty: said plainly rather than as zod's "expected number, received undefined". */
function isMissing(issue: { code: string; input?: unknown }): boolean {
  return (issue.code === 'invalid_type' && issue.input === undefined) || (issue.code === 'too_small' && issue.input === '');
}

/** The paths each step owns: a problem under one of them is shown on that step, next to its field. */
export const STEP_PATHS: readonly (readonly string[])[] = [
  ['metadata.id', 'metadata.title', 'spec.provider', 'spec.model', 'spec.baseUrl', 'spec.apiKey'],
  ['spec.capabilities', 'spec.contextWindow', 'spec.maxOutputTokens', 'spec.pricing', 'spec.timeoutMs', 'spec.fallbacks', 'spec.aliases'],
];

export function belongsToStep(path: string, step: number): boolean {
  return (STEP_PATHS[step] ?? []).some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`));
}

/** The first message for a field, by its path or any path below it. */
export function messageFor(problems: Problem[], path: string): string | undefined {
  return problems.find((problem) => problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`))?.message;
}
