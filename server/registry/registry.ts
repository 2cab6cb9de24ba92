import { setImmediate } from 'node:timers/promises';
import type { Database } from '../../db/client';
import { canonicalJson } from '../../shared/canonical';
import { API_VERSION, isDemoModel, type CapabilityObject, type GroveObject, type Kind, type Lifecycle, type ModelObject } from '../../shared/objects';
import type { ObjectOf, Revision } from '../../shared/api';
import { GroveError, invalid, type Problem } from '../errors';
import type { SecretBox } from '../secrets';
import { parseObject } from './kinds';
// registers RoutingPolicy and the model checks that need it, wherever the registry is used
import './policy-kind';
// registers AlertRule, and the model check that an alert's model may not be deleted
import './alert-kind';
import { checkProspective, problemsBeyondSchema, prospectiveRegistry } from './prospective';
import * as repository from './repository';
import type { StoredObject } from './repository';
import { writeChanges, type Change, type StoredObjects } from './changes';
import { modelTransition } from './lifecycle';
import { keepOrEncryptSecrets, resolveApiKey, resolveWebhookHeaders, viewSpec } from './secret-fields';
import { holdHeapRoom } from '../heap-room';
import { eventLoopYielder } from './yielder';
import { ITEMS_PER_STEP } from '../../shared/steps';

export type ApplyAction = 'created' | 'updated' | 'unchanged';
export interface ApplyResult {
  kind: Kind;
  id: string;
  action: ApplyAction;
  revision: number;
}

/** One revision of an object of kind K, its spec as the API shows it (secrets redacted). */
export type HistoryEntry<K extends Kind = Kind> = Revision<ObjectOf<K>['spec']>;

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
  /** each AlertRule's webhook headers as they are sent, resolved likewise; never leaves the server */
  webhookHeaders: ReadonlyMap<string, Record<string, string>>;
}

/** One object written by a commit of this instance, as the event bus tells it. */
export interface CommittedChange {
  kind: Kind;
  id: string;
  /** the revision's action: create, update, lifecycle:<to>, rollback:<n>, delete */
  action: string;
  revision: number;
  /** a Model's lifecycle before and after (null where it did not exist) */
  lifecycle?: { from: string | null; to: string | null };
}

export class Registry {
  private stored: StoredObjects = new Map();
  private listeners = new Set<(snapshot: RegistrySnapshot) => void>();
  private commitListeners = new Set<(changes: CommittedChange[], actor: string) => void>();
  private preparers: Array<(snapshot: RegistrySnapshot, pause: () => Promise<void> | undefined) => Promise<void>> = [];
  private loading: Promise<void> = Promise.resolve();
  /** this instance's transactions that are running: each queues its afterCommit as it ends */
  private committing = new Set<Promise<unknown>>();
  /**
   * The database's change version that `stored` is exactly: a load reads both in one snapshot of
   * the database, and this instance's own commit moves both together (see afterCommit). Undefined
   * until the first load.
   */
  private storedVersion: bigint | undefined;
  snapshot: RegistrySnapshot = emptySnapshot();
  /** the database's change version the snapshot includes (server/peer-sync.ts reloads when the database is ahead of it) */
  loadedVersion = -1n;

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
   * Told after each commit of this instance, once its snapshot is in force, with what was written
   * and who wrote it. (Changes made by other instances arrive as reloads, with no actor.)
   */
  /** After each commit of this instance, its changes: those of a large commit in several calls. */
  onCommitted(listener: (changes: CommittedChange[], actor: string) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Work on a new snapshot before it is swapped in (the gateway compiles its routing form), done in
   * steps while requests go on with the current one: traffic sees the old snapshot or the new one
   * with all its derived forms, never a new one whose forms are still being built.
   */
  beforeSwap(prepare: (snapshot: RegistrySnapshot, pause: () => Promise<void> | undefined) => Promise<void>): void {
    this.preparers.push(prepare);
  }

  /**
   * Reads every object from the database and swaps the snapshot, unless nothing changed. The
   * check matters: with PostgreSQL an instance reloads on every peer's change notice, and a reload
   * that always told its listeners (which notify the peers) would make two instances echo forever.
   */
  load(): Promise<void> {
    // One load at a time, each reading after the last: a slow read that started before a commit
    // must not land after the commit's own reload and swap an older registry back in.
    return this.inTurn(() => this.reload());
  }

  /**
   * A load for a database seen at `version` (a peer's notice, the once-a-second check): skipped
   * when, by its turn, the registry holds that version already. The check reads the version an
   * instance's own commit wrote while that commit is still being merged in (half a second for a
   * 10,000-model apply); loading then read all 10,000 objects back only to find them held, a block
   * of up to 75 ms of the serving thread decoding them (docs/performance.md).
   */
  catchUp(version: bigint): Promise<void> {
    // the version may be one of this instance's own commits, in the database but not yet queued to
    // be merged in (its transaction's answer on its way): queued before it, this read everything
    // back and the merge then read it all again
    const committing = this.committing.size === 0 ? undefined : Promise.allSettled(this.committing);
    const check = () => this.inTurn(() => (this.loadedVersion >= version ? undefined : this.reload()));
    return committing ? committing.then(check) : check();
  }

  /** `work` after every load, catch-up and post-commit update queued before it (a failed one does not stop the queue). */
  private inTurn(work: () => Promise<void> | undefined): Promise<void> {
    const next = this.loading.then(work);
    this.loading = next.catch(() => {});
    return next;
  }

  private async reload(): Promise<void> {
    const pause = eventLoopYielder();
    const { version, objects: rows } = await repository.loadAllObjects(this.db, pause);
    // The registry's order (of listings, of ties) is that of its ids' code units, whatever the
    // database's collation: the same after a reload as after a commit merged in (see merge). Rows
    // come in the database's order, mostly or wholly this one, which a sort takes in one pass.
    rows.sort((a, b) => compareIds(a.kind, b.kind) || compareIds(a.id, b.id));
    // a reload that always told its listeners (which notify the peers) would make two instances echo forever
    if (this.storedVersion !== undefined && (await this.holds(rows, pause))) return this.settle(version);
    const stored = new Map<Kind, Map<string, StoredObject>>();
    for (const row of rows) {
      await pause();
      if (!stored.has(row.kind)) stored.set(row.kind, new Map());
      stored.get(row.kind)!.set(row.id, row);
    }
    await this.swapIn(stored, version, pause);
  }

  /** Whether the registry in force has exactly these objects at these revisions (in steps, like everything here that is linear in the registry). */
  private async holds(rows: StoredObject[], pause: () => Promise<void> | undefined): Promise<boolean> {
    let count = 0;
    for (const objects of this.stored.values()) count += objects.size;
    if (count !== rows.length) return false;
    for (const row of rows) {
      await pause();
      if (this.stored.get(row.kind)?.get(row.id)?.revision !== row.revision) return false;
    }
    return true;
  }

  /**
   * The registry after this instance's own commit. When the registry in force was the database
   * exactly as the commit found it (no one committed between its load and the commit), the commit's
   * changes are applied to it here: reading every object back was, in a 10,000-model apply, 10,000
   * rows for the database to send and for this thread to decode and collect, while traffic waited
   * for the cores. Otherwise (a peer's change came first, or a load is on its way), it reloads.
   */
  private afterCommit(changes: Change[], written: Map<string, number>, now: string, versions: { before: bigint; after: bigint }): Promise<void> {
    return this.inTurn(() => (this.storedVersion === versions.before ? this.merge(changes, written, now, versions.after) : this.reload()));
  }

  /** The objects as the commit wrote them: what a reload would read (the same revisions and timestamps, in the same order). */
  private async merge(changes: Change[], written: Map<string, number>, now: string, version: bigint): Promise<void> {
    const pause = eventLoopYielder();
    const stored = new Map<Kind, Map<string, StoredObject>>();
    for (const [kind, objects] of this.stored) stored.set(kind, new Map(objects));
    const grown = new Set<Kind>();
    for (const change of changes) {
      await pause();
      if (change.op === 'delete') {
        stored.get(change.kind)?.delete(change.id);
        continue;
      }
      const { kind, id } = change.object;
      const objects = stored.get(kind) ?? stored.set(kind, new Map()).get(kind)!;
      if (!objects.has(id)) grown.add(kind);
      const createdAt = change.op === 'update' ? objects.get(id)!.createdAt : now;
      objects.set(id, { ...change.object, revision: written.get(`${kind}/${id}`)!, createdAt, updatedAt: now });
    }
    // a new object goes where a reload puts it: in order of its id (sorting what is mostly in order already)
    for (const kind of grown) {
      await pause();
      stored.set(kind, new Map([...stored.get(kind)!].sort(([a], [b]) => compareIds(a, b))));
    }
    const kinds = [...stored.keys()].sort(compareIds);
    await this.swapIn(new Map(kinds.map((kind) => [kind, stored.get(kind)!])), version, pause);
  }

  /** Builds the snapshot of `stored` while requests go on being served; the objects and their snapshot are swapped in together. */
  private async swapIn(stored: Map<Kind, Map<string, StoredObject>>, version: bigint, pause: () => Promise<void> | undefined): Promise<void> {
    const snapshot = await buildSnapshot(stored, this.snapshot.version + 1, this.env, this.secrets, pause);
    for (const prepare of this.preparers) await prepare(snapshot, pause);
    this.stored = stored;
    this.snapshot = snapshot;
    this.settle(version);
    for (const listener of this.listeners) listener(this.snapshot);
  }

  private settle(version: bigint): void {
    this.storedVersion = version;
    if (version > this.loadedVersion) this.loadedVersion = version;
  }

  /** Objects of one kind, each as that kind's schema parsed it when it was stored. */
  list<K extends Kind>(kind: K): ObjectOf<K>[] {
    return [...(this.snapshot.byKind.get(kind)?.values() ?? [])] as ObjectOf<K>[];
  }

  get<K extends Kind>(kind: K, id: string): ObjectOf<K> {
    const object = this.snapshot.byKind.get(kind)?.get(id);
    if (!object) throw new GroveError('NOT_FOUND', `${kind} "${id}" not found`);
    return object as ObjectOf<K>;
  }

  /**
   * Validates every object first; writes all of them in one transaction, or none. Linear in the
   * number of objects, and it gives the event loop a turn every few milliseconds, so a
   * 10,000-object apply does not hold up the requests being served meanwhile.
   */
  async apply(actor: string, inputs: unknown[], options: { dryRun?: boolean } = {}): Promise<ApplyResult[]> {
    const release = holdHeapRoom();
    try {
      return await this.applyAll(actor, inputs, options);
    } finally {
      release();
    }
  }

  private async applyAll(actor: string, inputs: unknown[], options: { dryRun?: boolean }): Promise<ApplyResult[]> {
    // Planned against the registry as this apply found it: when another writer commits first, the
    // database refuses the plan (CONFLICT) rather than this apply quietly building on their change.
    const stored = this.stored;
    // One turn of the event loop before planning, so that applies arriving together are planned
    // against the same registry on either driver. PGlite answers without giving the event loop a
    // turn: each apply would otherwise see the one before it committed (a create that lost the
    // race would report "updated"), where on PostgreSQL they overlap and the losers conflict.
    await setImmediate();
    const pause = eventLoopYielder();
    const current = prospectiveRegistry(stored, new Map());
    const problems: Problem[] = [];
    const changes: Change[] = [];
    const results: ApplyResult[] = [];
    const seen = new Set<string>();
    for (const [index, input] of inputs.entries()) {
      await pause();
      const prefix = inputs.length > 1 ? `[${index}]` : '';
      const parsed = parseObject(input, prefix);
      problems.push(...parsed.problems);
      if (!parsed.object) {
        problems.push(...problemsBeyondSchema(input, parsed.problems, prefix, current));
        continue;
      }
      const { kind, metadata, spec } = parsed.object;
      const key = `${kind}/${metadata.id}`;
      if (seen.has(key)) {
        problems.push({ path: `${prefix}.metadata.id`.replace(/^\./, ''), message: `${key} appears twice` });
        continue;
      }
      seen.add(key);
      const existing = stored.get(kind)?.get(metadata.id);
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
    }
    if (problems.length) throw invalid(problems, inputs.length > 1 ? 'nothing was applied' : 'invalid object');
    if (options.dryRun) {
      // a dry run answers what the real one would, cross-object problems included
      await checkProspective(changes, stored, pause);
      return results;
    }
    const written = await this.commit(actor, changes, stored, pause);
    for (const result of results) {
      await pause();
      result.revision = written.get(`${result.kind}/${result.id}`) ?? result.revision;
    }
    return results;
  }

  /** `expectedKind`: a kind-specific endpoint (models.create) refuses objects of any other kind. */
  async create<K extends Kind = Kind>(actor: string, input: unknown, expectedKind?: K): Promise<ObjectOf<K>> {
    const parsed = this.parseOne(input, expectedKind);
    if (this.stored.get(parsed.kind)?.has(parsed.id)) throw new GroveError('CONFLICT', `${parsed.kind} "${parsed.id}" already exists`);
    await this.commit(actor, [{ op: 'create', object: parsed, action: 'create' }]);
    return this.get(parsed.kind as K, parsed.id);
  }

  /** Replaces an object's metadata and spec; `baseRevision` must be the revision the caller read. */
  async update<K extends Kind>(actor: string, kind: K, id: string, baseRevision: number, input: unknown): Promise<ObjectOf<K>> {
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

  async transition(actor: string, id: string, to: Lifecycle, options: { replacement?: string | null; revision?: number }): Promise<ModelObject> {
    const existing = this.current('Model', id);
    const spec = modelTransition(id, existing.spec as { lifecycle: Lifecycle; replacement: string | null }, to, options.replacement);
    await this.commit(actor, [
      { op: 'update', object: { kind: 'Model', id, metadata: existing.metadata, spec: { ...existing.spec, ...spec } }, baseRevision: options.revision ?? existing.revision, action: `lifecycle:${to}` },
    ]);
    return this.get('Model', id);
  }

  async rollback<K extends Kind>(actor: string, kind: K, id: string, toRevision: number, baseRevision: number): Promise<ObjectOf<K>> {
    this.current(kind, id);
    const target = (await repository.listRevisions(this.db, kind, id)).find((row) => row.revision === toRevision && row.action !== 'delete');
    if (!target) throw new GroveError('NOT_FOUND', `${kind} "${id}" has no revision ${toRevision}`);
    await this.commit(actor, [{ op: 'update', object: { kind, id, metadata: target.metadata, spec: target.spec }, baseRevision, action: `rollback:${toRevision}` }]);
    return this.get(kind, id);
  }

  async history<K extends Kind>(kind: K, id: string): Promise<HistoryEntry<K>[]> {
    const rows = await repository.listRevisions(this.db, kind, id);
    if (rows.length === 0) throw new GroveError('NOT_FOUND', `${kind} "${id}" not found`);
    // every revision was stored as its kind's schema parsed it
    return rows.map((row) => ({ revision: row.revision, action: row.action, actor: row.actor, createdAt: row.createdAt, metadata: row.metadata, spec: viewSpec(kind, row.spec) as ObjectOf<K>['spec'] }));
  }

  private current(kind: Kind, id: string): StoredObject {
    const existing = this.stored.get(kind)?.get(id);
    if (!existing) throw new GroveError('NOT_FOUND', `${kind} "${id}" not found`);
    return existing;
  }

  private parseOne(input: unknown, expectedKind?: Kind, expectedId?: string): Omit<StoredObject, 'revision' | 'createdAt' | 'updatedAt'> {
    const parsed = parseObject(input);
    // as apply does: what the registry knows is wrong (an unknown model) is listed beside the schema's problems
    if (!parsed.object) throw invalid([...parsed.problems, ...problemsBeyondSchema(input, parsed.problems, '', prospectiveRegistry(this.stored, new Map()))], 'invalid object');
    const { kind, metadata, spec } = parsed.object;
    if (expectedKind && kind !== expectedKind) throw invalid([{ path: 'kind', message: `must be ${expectedKind}` }], 'invalid object');
    if (expectedId && metadata.id !== expectedId) throw invalid([{ path: 'metadata.id', message: `must be "${expectedId}" (ids cannot be changed)` }], 'invalid object');
    const secured = keepOrEncryptSecrets(kind, spec, this.stored.get(kind)?.get(metadata.id)?.spec, this.secrets);
    if (secured.problems.length) throw invalid(secured.problems, 'invalid object');
    return { kind, id: metadata.id, metadata, spec: secured.spec };
  }

  /**
   * Checks cross-references against the registry as it would be, then writes in one transaction.
   * `stored` is the registry the changes were planned against; the writes check that plan in the
   * database (a create must find no row, an update the revision it was based on).
   */
  private async commit(actor: string, changes: Change[], stored: StoredObjects = this.stored, pause = eventLoopYielder()): Promise<Map<string, number>> {
    if (changes.length === 0) return new Map();
    await checkProspective(changes, stored, pause);
    const now = new Date().toISOString();
    let written: Map<string, number>;
    let versions: { before: bigint; after: bigint };
    const transaction = this.db.transaction(async (transaction) => {
      // locked first: the version this commit starts from, with no other commit between it and this one
      const before = await repository.readChangeVersion(transaction, { lock: true });
      const written = await writeChanges(transaction, changes, stored, actor, now, pause);
      return { written, versions: { before, after: await repository.readChangeVersion(transaction) } };
    });
    this.committing.add(transaction);
    try {
      ({ written, versions } = await transaction);
    } catch (error) {
      // Someone else wrote first (another instance, whose notice has not arrived yet): read the
      // registry again, so that "read it again and retry" finds the newer revision.
      if (error instanceof GroveError && error.code === 'CONFLICT') await this.load();
      throw error;
    } finally {
      this.committing.delete(transaction);
    }
    // queued in the same turn as the transaction's end: a catchUp waiting on it comes after
    await this.afterCommit(changes, written, now, versions);
    await this.announce(actor, changes, stored, written, pause);
    // what the caller does next with a large answer (validating and writing 10,000 results) starts on a turn of its own
    if (changes.length > ITEMS_PER_STEP) await setImmediate();
    return written;
  }

  /**
   * Tells the commit's listeners, a slice of changes at a time with the event loop's turns between
   * (a 10,000-model apply is 10,000 events): a listener may be called several times for one commit.
   */
  private async announce(actor: string, changes: Change[], before: StoredObjects, written: Map<string, number>, pause: () => Promise<void> | undefined): Promise<void> {
    if (this.commitListeners.size === 0) return;
    const toCommitted = (change: Change): CommittedChange => {
      const { kind, id } = change.op === 'delete' ? change : change.object;
      const action = change.op === 'delete' ? 'delete' : change.action;
      const revision = written.get(`${kind}/${id}`) ?? 0;
      if (kind !== 'Model') return { kind, id, action, revision };
      const from = lifecycleOf(before.get(kind)?.get(id)?.spec);
      const to = change.op === 'delete' ? null : lifecycleOf(change.object.spec);
      return from === to ? { kind, id, action, revision } : { kind, id, action, revision, lifecycle: { from, to } };
    };
    for (let start = 0; start < changes.length; start += ITEMS_PER_STEP) {
      await pause();
      const committed = changes.slice(start, start + ITEMS_PER_STEP).map(toCommitted);
      for (const listener of this.commitListeners) listener(committed, actor);
    }
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lifecycleOf(spec: unknown): string | null {
  const lifecycle = (spec as { lifecycle?: unknown } | undefined)?.lifecycle;
  return typeof lifecycle === 'string' ? lifecycle : null;
}

async function buildSnapshot(stored: StoredObjects, version: number, env: Record<string, string | undefined>, secrets: SecretBox, pause: () => Promise<void> | undefined): Promise<RegistrySnapshot> {
  const byKind = new Map<Kind, Map<string, GroveObject>>();
  for (const [kind, objects] of stored) {
    const views = new Map<string, GroveObject>();
    for (const object of objects.values()) {
      await pause();
      views.set(object.id, toView(object));
    }
    byKind.set(kind, views);
  }
  const models = [...(byKind.get('Model')?.values() ?? [])] as ModelObject[];
  const storedModels = stored.get('Model');
  const modelIdByName = new Map<string, string>();
  const apiKeys = new Map<string, string | undefined>();
  for (const model of models) {
    await pause();
    for (const alias of model.spec.aliases) modelIdByName.set(alias, model.metadata.id);
    apiKeys.set(model.metadata.id, resolveApiKey(storedModels!.get(model.metadata.id)!.spec, env, secrets));
  }
  for (const model of models) modelIdByName.set(model.metadata.id, model.metadata.id);
  const webhookHeaders = new Map<string, Record<string, string>>();
  for (const rule of stored.get('AlertRule')?.values() ?? []) webhookHeaders.set(rule.id, resolveWebhookHeaders(rule.spec, env, secrets));
  return { version, models, capabilities: [...(byKind.get('Capability')?.values() ?? [])] as CapabilityObject[], byKind, modelIdByName, apiKeys, webhookHeaders };
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

function emptySnapshot(): RegistrySnapshot {
  return { version: 0, models: [], capabilities: [], byKind: new Map(), modelIdByName: new Map(), apiKeys: new Map(), webhookHeaders: new Map() };
}
