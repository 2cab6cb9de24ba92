import type { z } from 'zod';
import { API_VERSION, capabilityObjectInputSchema, CORE_CAPABILITIES, type GroveObject, type Kind, KINDS, modelObjectInputSchema } from '../../shared/objects';
import type { Problem } from '../errors';
import { finishSteps, ITEMS_PER_STEP, type Steps } from '../../shared/steps';
import { problemsFromZod } from '../errors';
import type { StoredObject } from './repository';

/** What each kind contributes: its schema, and the checks that need the rest of the registry. */
export interface KindHandler {
  schema: z.ZodType<{ apiVersion: string; kind: string; metadata: GroveObject['metadata']; spec: unknown }>;
  /**
   * Builds, in steps, the indexes over the whole registry that `check` reads (through
   * `registry.memo`), before any object is checked: built inside the first check, they held up the
   * event loop for as long as a whole-registry pass takes.
   */
  prepare?(registry: ProspectiveRegistry): Steps<void>;
  /** cross-object checks against the registry as it would be after the change */
  check(object: StoredObject, registry: ProspectiveRegistry): Problem[];
  /** objects of other kinds that refer to this one, which therefore cannot be deleted */
  referencedBy(id: string, registry: ProspectiveRegistry): string[];
  /**
   * The cross-object problems of an object whose schema check failed, so that one answer lists
   * every problem, not the schema's first (paths relative to the object, like `check`'s).
   */
  checkInvalid?(spec: unknown, registry: ProspectiveRegistry): Problem[];
}

/** The registry as it would be after a change: cross-references are checked against this. */
export interface ProspectiveRegistry {
  get(kind: Kind, id: string): StoredObject | undefined;
  all(kind: Kind): StoredObject[];
  /**
   * A value derived from the whole registry, built once per prospective registry: checks that
   * look at every other object index it here, so checking n objects stays linear, not n².
   */
  memo<T>(key: string, build: () => T): T;
}

const handlers = new Map<Kind, KindHandler>();

export function registerKind(kind: Kind, handler: KindHandler): void {
  handlers.set(kind, handler);
}

export function kindHandler(kind: Kind): KindHandler | undefined {
  return handlers.get(kind);
}

/** Parses one object of any registered kind; problems carry the object's own path prefix. */
export function parseObject(input: unknown, prefix = ''): { object?: { kind: Kind; metadata: GroveObject['metadata']; spec: Record<string, unknown> }; problems: Problem[] } {
  const at = (path: string) => (prefix ? `${prefix}${path ? '.' + path : ''}` : path);
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { problems: [{ path: at(''), message: 'must be an object with apiVersion, kind, metadata and spec' }] };
  const { kind, apiVersion } = input as { kind?: unknown; apiVersion?: unknown };
  const handler = typeof kind === 'string' ? handlers.get(kind as Kind) : undefined;
  if (!handler) {
    const problems = [{ path: at('kind'), message: `must be one of ${KINDS.filter((k) => handlers.has(k)).join(', ')}` }];
    if (apiVersion !== API_VERSION) problems.unshift({ path: at('apiVersion'), message: `must be "${API_VERSION}"` });
    return { problems };
  }
  // the kind's schema checks apiVersion too, so a wrong one is listed beside every other problem
  const parsed = handler.schema.safeParse(input);
  if (!parsed.success) return { problems: problemsFromZod(parsed.error.issues, prefix) };
  return { object: { kind: kind as Kind, metadata: parsed.data.metadata, spec: parsed.data.spec as Record<string, unknown> }, problems: [] };
}

const reservedAliases = new Set(['auto']);

registerKind('Model', {
  schema: modelObjectInputSchema,
  *prepare(registry) {
    const names = yield* modelNames(registry.all('Model'));
    registry.memo('model-names', () => names);
  },
  check(object, registry) {
    const problems: Problem[] = [];
    const spec = object.spec as { fallbacks: string[]; replacement: string | null; lifecycle: string; capabilities: Record<string, number>; aliases: string[] };
    spec.fallbacks.forEach((id, index) => {
      if (!registry.get('Model', id)) problems.push({ path: `spec.fallbacks[${index}]`, message: `unknown model "${id}"` });
    });
    if (spec.replacement) {
      const replacement = registry.get('Model', spec.replacement);
      if (!replacement) problems.push({ path: 'spec.replacement', message: `unknown model "${spec.replacement}"` });
      else if ((replacement.spec as { lifecycle: string }).lifecycle === 'retired') problems.push({ path: 'spec.replacement', message: `"${spec.replacement}" is retired itself` });
    }
    for (const name of Object.keys(spec.capabilities)) {
      if (!(CORE_CAPABILITIES as readonly string[]).includes(name) && !registry.get('Capability', name)) {
        problems.push({ path: `spec.capabilities.${name}`, message: `unknown capability "${name}": declare it with kind: Capability` });
      }
    }
    const { byName, byAlias } = registry.memo('model-names', () => finishSteps(modelNames(registry.all('Model'))));
    spec.aliases.forEach((alias, index) => {
      if (reservedAliases.has(alias)) problems.push({ path: `spec.aliases[${index}]`, message: `"${alias}" is reserved` });
      for (const other of byName.get(alias) ?? []) {
        if (other !== object.id) problems.push({ path: `spec.aliases[${index}]`, message: `"${alias}" is already used by model "${other}"` });
      }
    });
    for (const other of byAlias.get(object.id) ?? []) problems.push({ path: 'metadata.id', message: `"${object.id}" is an alias of model "${other}"` });
    return problems;
  },
  referencedBy(id, registry) {
    return registry
      .all('Model')
      .filter((other) => {
        const spec = other.spec as { fallbacks: string[]; replacement: string | null };
        return other.id !== id && (spec.fallbacks.includes(id) || spec.replacement === id);
      })
      .map((other) => `Model/${other.id}`);
  },
});

/** Which models hold each name: as their id or an alias (`byName`), as an alias (`byAlias`); in registry order. */
function* modelNames(models: StoredObject[]): Steps<{ byName: Map<string, string[]>; byAlias: Map<string, string[]> }> {
  const byName = new Map<string, string[]>();
  const byAlias = new Map<string, string[]>();
  const add = (index: Map<string, string[]>, name: string, id: string) => {
    const holders = index.get(name);
    if (!holders) index.set(name, [id]);
    else if (holders[holders.length - 1] !== id) holders.push(id);
  };
  for (const [position, model] of models.entries()) {
    if (position % ITEMS_PER_STEP === 0) yield;
    add(byName, model.id, model.id);
    for (const alias of (model.spec as { aliases: string[] }).aliases) {
      add(byName, alias, model.id);
      add(byAlias, alias, model.id);
    }
  }
  return { byName, byAlias };
}

registerKind('Capability', {
  schema: capabilityObjectInputSchema,
  check(object) {
    if ((CORE_CAPABILITIES as readonly string[]).includes(object.id)) return [{ path: 'metadata.id', message: `"${object.id}" is a core capability and needs no declaration` }];
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(object.id)) return [{ path: 'metadata.id', message: 'a capability name starts with a letter and has at most 32 characters' }];
    return [];
  },
  referencedBy(id, registry) {
    return registry
      .all('Model')
      .filter((model) => id in (model.spec as { capabilities: Record<string, number> }).capabilities)
      .map((model) => `Model/${model.id}`);
  },
});
