import type { Kind } from '../../shared/objects';
import { runSteps } from '../../shared/steps';
import { invalid, type Problem } from '../errors';
import type { Change, StoredObjects } from './changes';
import { kindHandler, type ProspectiveRegistry } from './kinds';
import type { StoredObject } from './repository';

/** The registry as it would be with `overlay` (null: deleted) over `stored`; each kind's list is built once. */
export function prospectiveRegistry(stored: StoredObjects, overlay: ReadonlyMap<Kind, ReadonlyMap<string, StoredObject | null>>): ProspectiveRegistry {
  const lists = new Map<Kind, StoredObject[]>();
  const memos = new Map<string, unknown>();
  return {
    get: (kind, id) => {
      const changed = overlay.get(kind);
      return changed?.has(id) ? (changed.get(id) ?? undefined) : stored.get(kind)?.get(id);
    },
    all: (kind) => {
      let list = lists.get(kind);
      if (!list) {
        const merged = new Map(stored.get(kind) ?? []);
        for (const [id, value] of overlay.get(kind) ?? []) {
          if (value) merged.set(id, value);
          else merged.delete(id);
        }
        list = [...merged.values()];
        lists.set(kind, list);
      }
      return list;
    },
    memo: <T>(key: string, build: () => T): T => {
      if (!memos.has(key)) memos.set(key, build());
      return memos.get(key) as T;
    },
  };
}

/** Cross-object checks of every change against the registry as it would be after all of them. */
export async function checkProspective(changes: Change[], stored: StoredObjects, pause: () => Promise<void> | undefined): Promise<void> {
  const overlay = new Map<Kind, Map<string, StoredObject | null>>();
  const changed = (kind: Kind) => overlay.get(kind) ?? overlay.set(kind, new Map()).get(kind)!;
  for (const change of changes) {
    await pause();
    if (change.op === 'delete') changed(change.kind).set(change.id, null);
    else changed(change.object.kind).set(change.object.id, { ...change.object, revision: 0, createdAt: '', updatedAt: '' });
  }
  const prospective = prospectiveRegistry(stored, overlay);
  for (const kind of new Set(changes.flatMap((change) => (change.op === 'delete' ? [] : [change.object.kind])))) {
    const steps = kindHandler(kind)!.prepare?.(prospective);
    if (steps) await runSteps(steps, pause);
  }
  const problems: Problem[] = [];
  for (const change of changes) {
    await pause();
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

/** What the registry checks would add to an object that already failed its schema. */
export function problemsBeyondSchema(input: unknown, known: Problem[], prefix: string, current: ProspectiveRegistry): Problem[] {
  const { kind, spec } = (input ?? {}) as { kind?: unknown; spec?: unknown };
  const handler = typeof kind === 'string' ? kindHandler(kind as Kind) : undefined;
  if (!handler?.checkInvalid) return [];
  const seen = new Set(known.map((problem) => `${problem.path}\u0000${problem.message}`));
  return handler
    .checkInvalid(spec, current)
    .map((problem) => ({ path: prefix ? `${prefix}.${problem.path}` : problem.path, message: problem.message }))
    .filter((problem) => !seen.has(`${problem.path}\u0000${problem.message}`));
}
