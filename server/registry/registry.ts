import type { Database } from '../../db/client';
import { canonicalJson } from '../../shared/canonical';
import { API_VERSION, isDemoModel, type CapabilityObject, type GroveObject, type Kind, type Lifecycle, type ModelObject } from '../../shared/objects';
import { GroveError, invalid, type Problem } from '../errors';
import type { SecretBox } from '../secrets';
import { kindHandler, parseObject, type ProspectiveRegistry } from './kinds';
// registers RoutingPolicy and the model checks that need it, wherever the registry is used
import './policy-kind';
import * as repository from './repository';
import type { StoredObject } from './repository';
import { modelTransition } from './lifecycle';
import { keepOrEncryptSecrets, resolveApiKey, viewSpec } from './secret-fields';

export type ApplyAction = 'created' | 'updated' | 'unchanged';
export interface ApplyResult {
  kind: Kind;
  id: string;
  action: ApplyAction;
  revision: number;
}

export interface HistoryEntry {
  revision: number;
  action: string;
  actor: string;
  createdAt: string;
  metadata: GroveObject['metadata'];
  spec: unknown;
}

/**
 * The registry as the hot path sees it: immutable, swapped whole on every change, so a request
 * reads one consistent version without a lock or a database round trip.
 */
export interface RegistrySnapshot {
  version: number;
  models: ModelObject[];
  capabilities: CapabilityObject[];
  byKind: ReadonlyMap<Kind, ReadonlyMap<string, GroveObject>>;
  /** id or alias → model id */
  modelIdByName: ReadonlyMap<string, string>;
  /** the upstream API key of each model, resolved from the environment or decrypted; never leaves the server */
  apiKeys: ReadonlyMap<string, string | undefined>;
}

type Change =
  | { op: 'create'; object: Omit<StoredObject, 'revision' | 'createdAt' | 'updatedAt'>; action: string }
  | { op: 'update'; object: Omit<StoredObject, 'revision' | 'createdAt' | 'updatedAt'>; baseRevision: number; action: string }
  | { op: 'delete'; kind: Kind; id: string; baseRevision: number };

export class Registry {
  private stored = new Map<Kind, Map<string, StoredObject>>();
  private listeners = new Set<(snapshot: RegistrySnapshot) => void>();
  private fingerprint: string | undefined;
  private loading: Promise<void> = Promise.resolve();
  snapshot: RegistrySnapshot = emptySnapshot();

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly env: Record<string, string | undefined>,
  ) {}

  onChange(listener: (snapshot: RegistrySnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads every object from the database and swaps the snapshot, unless nothing changed. The
   * check matters: with PostgreSQL an instance reloads on every peer's change notice, and a reload
   * that always told its listeners (which notify the peers) would make two instances echo forever.
   */
  load(): Promise<void> {
    // One load at a time, each reading after the last: a slow read that started before a commit
    // must not land after the commit's own reload and swap an older registry back in.
    const next = this.loading.then(() => this.reload());
    this.loading = next.catch(() => {});
    return next;
  }

  private async reload(): Promise<void> {
    const rows = await repository.loadAllObjects(this.db);
    const fingerprint = rows.map((row) => `${row.kind}/${row.id}@${row.revision}`).join('\n');
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    const stored = new Map<Kind, Map<string, StoredObject>>();
    for (const row of rows) {
      if (!stored.has(row.kind)) stored.set(row.kind, new Map());
      stored.get(row.kind)!.set(row.id, row);
    }
    this.stored = stored;
    this.snapshot = this.buildSnapshot(this.snapshot.version + 1);
    for (const listener of this.listeners) listener(this.snapshot);
  }

  list(kind: Kind): GroveObject[] {
    return [...(this.snapshot.byKind.get(kind)?.values() ?? [])];
  }

  get(kind: Kind, id: string): GroveObject {
    const object = this.snapshot.byKind.get(kind)?.get(id);
    if (!object) throw new GroveError('NOT_FOUND', `${kind} "${id}" not found`);
    return object;
  }

  /** Validates every object first; writes all of them in one transaction, or none. */
  async apply(actor: string, inputs: unknown[], options: { dryRun?: boolean } = {}): Promise<ApplyResult[]> {
    const problems: Problem[] = [];
    const changes: Change[] = [];
    const results: ApplyResult[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      const prefix = inputs.length > 1 ? `[${index}]` : '';
      const parsed = parseObject(input, prefix);
      problems.push(...parsed.problems);
      if (!parsed.object) return problems.push(...this.problemsBeyondSchema(input, parsed.problems, prefix));
      const { kind, metadata, spec } = parsed.object;
      const key = `${kind}/${metadata.id}`;
      if (seen.has(key)) return problems.push({ path: `${prefix}.metadata.id`.replace(/^\./, ''), message: `${key} appears twice` });
      seen.add(key);
      const existing = this.stored.get(kind)?.get(metadata.id);
      const secured = keepOrEncryptSecrets(kind, spec, existing?.spec, this.secrets);
      problems.push(...secured.problems.map((problem) => ({ ...problem, path: `${prefix ? prefix + '.' : ''}${problem.path}` })));
      const object = { kind, id: metadata.id, metadata, spec: secured.spec };
      if (!existing) {
        changes.push({ op: 'create', object, action: 'create' });
        results.push({ kind, id: metadata.id, action: 'created', revision: 0 });
      } else if (canonicalJson({ m: existing.metadata, s: existing.spec }) === canonicalJson({ m: metadata, s: secured.spec })) {
        results.push({ kind, id: metadata.id, action: 'unchanged', revision: existing.revision });
      } else {
        changes.push({ op: 'update', object, baseRevision: existing.revision, action: 'update' });
        results.push({ kind, id: metadata.id, action: 'updated', revision: existing.revision + 1 });
      }
    });
    if (problems.length) throw invalid(problems, inputs.length > 1 ? 'nothing was applied' : 'invalid object');
    if (options.dryRun) {
      // a dry run answers what the real one would, cross-object problems included
      this.checkProspective(changes);
      return results;
    }
    const written = await this.commit(actor, changes);
    return results.map((result) => ({ ...result, revision: written.get(`${result.kind}/${result.id}`) ?? result.revision }));
  }

  /** `expectedKind`: a kind-specific endpoint (models.create) refuses objects of any other kind. */
  async create(actor: string, input: unknown, expectedKind?: Kind): Promise<GroveObject> {
    const parsed = this.parseOne(input, expectedKind);
    if (this.stored.get(parsed.kind)?.has(parsed.id)) throw new GroveError('CONFLICT', `${parsed.kind} "${parsed.id}" already exists`);
    await this.commit(actor, [{ op: 'create', object: parsed, action: 'create' }]);
    return this.get(parsed.kind, parsed.id);
  }

  /** Replaces an object's metadata and spec; `baseRevision` must be the revision the caller read. */
  async update(actor: string, kind: Kind, id: string, baseRevision: number, input: unknown): Promise<GroveObject> {
    const parsed = this.parseOne(input, kind, id);
    this.current(kind, id);
    await this.commit(actor, [{ op: 'update', object: parsed, baseRevision, action: 'update' }]);
    return this.get(kind, id);
  }

  async remove(actor: string, kind: Kind, id: string, baseRevision?: number): Promise<void> {
    const existing = this.current(kind, id);
    if (kind === 'Model') {
      const lifecycle = (existing.spec as { lifecycle: Lifecycle }).lifecycle;
      if (lifecycle !== 'draft' && lifecycle !== 'retired') {
        throw new GroveError('BAD_REQUEST', `model "${id}" is ${lifecycle}: only draft or retired models can be deleted (deprecate and retire it first)`);
      }
    }
    await this.commit(actor, [{ op: 'delete', kind, id, baseRevision: baseRevision ?? existing.revision }]);
  }

  /**
   * Deletes every demo model (DEMO_LABEL) in one change, whatever its lifecycle: they never served
   * real traffic, so the deprecate-and-retire path that protects callers does not apply. Refused,
   * all or nothing, while another object still refers to one. Returns the ids deleted.
   */
  async removeDemo(actor: string): Promise<string[]> {
    const demo = [...(this.stored.get('Model')?.values() ?? [])].filter((object) => isDemoModel(object));
    await this.commit(
      actor,
      demo.map((object) => ({ op: 'delete', kind: 'Model', id: object.id, baseRevision: object.revision })),
    );
    return demo.map((object) => object.id).sort();
  }

  async transition(actor: string, id: string, to: Lifecycle, options: { replacement?: string | null; revision?: number }): Promise<GroveObject> {
    const existing = this.current('Model', id);
    const spec = modelTransition(id, existing.spec as { lifecycle: Lifecycle; replacement: string | null }, to, options.replacement);
    await this.commit(actor, [
      { op: 'update', object: { kind: 'Model', id, metadata: existing.metadata, spec: { ...existing.spec, ...spec } }, baseRevision: options.revision ?? existing.revision, action: `lifecycle:${to}` },
    ]);
    return this.get('Model', id);
  }

  async rollback(actor: string, kind: Kind, id: string, toRevision: number, baseRevision: number): Promise<GroveObject> {
    this.current(kind, id);
    const target = (await repository.listRevisions(this.db, kind, id)).find((row) => row.revision === toRevision && row.action !== 'delete');
    if (!target) throw new GroveError('NOT_FOUND', `${kind} "${id}" has no revision ${toRevision}`);
    await this.commit(actor, [{ op: 'update', object: { kind, id, metadata: target.metadata, spec: target.spec }, baseRevision, action: `rollback:${toRevision}` }]);
    return this.get(kind, id);
  }

  async history(kind: Kind, id: string): Promise<HistoryEntry[]> {
    const rows = await repository.listRevisions(this.db, kind, id);
    if (rows.length === 0) throw new GroveError('NOT_FOUND', `${kind} "${id}" not found`);
    return rows.map((row) => ({ revision: row.revision, action: row.action, actor: row.actor, createdAt: row.createdAt, metadata: row.metadata, spec: viewSpec(kind, row.spec) }));
  }

  /** What the registry checks would add to an object that already failed its schema. */
  private problemsBeyondSchema(input: unknown, known: Problem[], prefix: string): Problem[] {
    const { kind, spec } = (input ?? {}) as { kind?: unknown; spec?: unknown };
    const handler = typeof kind === 'string' ? kindHandler(kind as Kind) : undefined;
    if (!handler?.checkInvalid) return [];
    const current: ProspectiveRegistry = { get: (objectKind, id) => this.stored.get(objectKind)?.get(id), all: (objectKind) => [...(this.stored.get(objectKind)?.values() ?? [])] };
    const seen = new Set(known.map((problem) => `${problem.path}\u0000${problem.message}`));
    return handler
      .checkInvalid(spec, current)
      .map((problem) => ({ path: prefix ? `${prefix}.${problem.path}` : problem.path, message: problem.message }))
      .filter((problem) => !seen.has(`${problem.path}\u0000${problem.message}`));
  }

  private current(kind: Kind, id: string): StoredObject {
    const existing = this.stored.get(kind)?.get(id);
    if (!existing) throw new GroveError('NOT_FOUND', `${kind} "${id}" not found`);
    return existing;
  }

  private parseOne(input: unknown, expectedKind?: Kind, expectedId?: string): Omit<StoredObject, 'revision' | 'createdAt' | 'updatedAt'> {
    const parsed = parseObject(input);
    if (!parsed.object) throw invalid(parsed.problems, 'invalid object');
    const { kind, metadata, spec } = parsed.object;
    if (expectedKind && kind !== expectedKind) throw invalid([{ path: 'kind', message: `must be ${expectedKind}` }], 'invalid object');
    if (expectedId && metadata.id !== expectedId) throw invalid([{ path: 'metadata.id', message: `must be "${expectedId}" (ids cannot be changed)` }], 'invalid object');
    const secured = keepOrEncryptSecrets(kind, spec, this.stored.get(kind)?.get(metadata.id)?.spec, this.secrets);
    if (secured.problems.length) throw invalid(secured.problems, 'invalid object');
    return { kind, id: metadata.id, metadata, spec: secured.spec };
  }

  /** Checks cross-references against the registry as it would be, then writes in one transaction. */
  private async commit(actor: string, changes: Change[]): Promise<Map<string, number>> {
    if (changes.length === 0) return new Map();
    this.checkProspective(changes);
    const written = new Map<string, number>();
    const now = new Date().toISOString();
    try {
      await this.db.transaction(async (transaction) => {
        for (const change of changes) {
          if (change.op === 'delete') {
            const existing = this.current(change.kind, change.id);
            if (!(await repository.deleteObject(transaction, change.kind, change.id, change.baseRevision))) throw stale(change.kind, change.id, change.baseRevision);
            const revision = (await repository.lastRevisionNumber(transaction, change.kind, change.id)) + 1;
            await repository.insertRevision(transaction, { ...existing, revision }, 'delete', actor, now);
            continue;
          }
          const { object } = change;
          let revision: number;
          if (change.op === 'create') {
            revision = (await repository.lastRevisionNumber(transaction, object.kind, object.id)) + 1;
            const row = await repository.insertObject(transaction, { ...object, revision }, now);
            if (!row) throw new GroveError('CONFLICT', `${object.kind} "${object.id}" already exists`);
          } else {
            revision = change.baseRevision + 1;
            if (!(await repository.updateObject(transaction, { ...object, revision }, change.baseRevision, now))) throw stale(object.kind, object.id, change.baseRevision);
          }
          await repository.insertRevision(transaction, { ...object, revision }, change.action, actor, now);
          written.set(`${object.kind}/${object.id}`, revision);
        }
      });
    } catch (error) {
      // Someone else wrote first (another instance, whose notice has not arrived yet): read the
      // registry again, so that "read it again and retry" finds the newer revision.
      if (error instanceof GroveError && error.code === 'CONFLICT') await this.load();
      throw error;
    }
    await this.load();
    return written;
  }

  private checkProspective(changes: Change[]): void {
    const overlay = new Map<string, StoredObject | null>();
    for (const change of changes) {
      if (change.op === 'delete') overlay.set(`${change.kind}/${change.id}`, null);
      else overlay.set(`${change.object.kind}/${change.object.id}`, { ...change.object, revision: 0, createdAt: '', updatedAt: '' });
    }
    const prospective: ProspectiveRegistry = {
      get: (kind, id) => {
        const key = `${kind}/${id}`;
        return overlay.has(key) ? (overlay.get(key) ?? undefined) : this.stored.get(kind)?.get(id);
      },
      all: (kind) => {
        const merged = new Map(this.stored.get(kind) ?? []);
        for (const [key, value] of overlay) {
          const [objectKind, id] = key.split('/') as [Kind, string];
          if (objectKind !== kind) continue;
          if (value) merged.set(id, value);
          else merged.delete(id);
        }
        return [...merged.values()];
      },
    };
    const problems: Problem[] = [];
    for (const change of changes) {
      if (change.op === 'delete') {
        const referrers = kindHandler(change.kind)!.referencedBy(change.id, prospective);
        if (referrers.length) problems.push({ path: `${change.kind}/${change.id}`, message: `still referred to by ${referrers.join(', ')}` });
        continue;
      }
      const object = prospective.get(change.object.kind, change.object.id)!;
      const prefix = changes.length > 1 ? `${change.object.kind}/${change.object.id}: ` : '';
      for (const problem of kindHandler(change.object.kind)!.check(object, prospective)) problems.push({ path: `${prefix}${problem.path}`, message: problem.message });
    }
    if (problems.length) throw invalid(problems, changes.length > 1 ? 'nothing was applied' : 'invalid object');
  }

  private buildSnapshot(version: number): RegistrySnapshot {
    const byKind = new Map<Kind, Map<string, GroveObject>>();
    for (const [kind, objects] of this.stored) {
      byKind.set(kind, new Map([...objects.values()].map((object) => [object.id, toView(object)])));
    }
    const models = [...(byKind.get('Model')?.values() ?? [])] as ModelObject[];
    const modelIdByName = new Map<string, string>();
    const apiKeys = new Map<string, string | undefined>();
    for (const model of models) {
      for (const alias of model.spec.aliases) modelIdByName.set(alias, model.metadata.id);
      apiKeys.set(model.metadata.id, resolveApiKey(this.stored.get('Model')!.get(model.metadata.id)!.spec, this.env, this.secrets));
    }
    for (const model of models) modelIdByName.set(model.metadata.id, model.metadata.id);
    return { version, models, capabilities: [...(byKind.get('Capability')?.values() ?? [])] as CapabilityObject[], byKind, modelIdByName, apiKeys };
  }
}

function toView(object: StoredObject): GroveObject {
  return {
    apiVersion: API_VERSION,
    kind: object.kind,
    metadata: object.metadata,
    spec: viewSpec(object.kind, object.spec),
    status: { revision: object.revision, createdAt: object.createdAt, updatedAt: object.updatedAt },
  };
}

function stale(kind: Kind, id: string, baseRevision: number): GroveError {
  return new GroveError('CONFLICT', `${kind} "${id}" has changed since revision ${baseRevision}: read it again and retry`);
}

function emptySnapshot(): RegistrySnapshot {
  return { version: 0, models: [], capabilities: [], byKind: new Map(), modelIdByName: new Map(), apiKeys: new Map() };
}
