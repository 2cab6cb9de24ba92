import type { Kind } from '../../shared/objects';
import { GroveError } from '../errors';
import * as repository from './repository';
import type { StoredObject } from './repository';

/** One planned write; `baseRevision` is the revision the plan was made against. */
export type Change =
  | { op: 'create'; object: Omit<StoredObject, 'revision' | 'createdAt' | 'updatedAt'>; action: string }
  | { op: 'update'; object: Omit<StoredObject, 'revision' | 'createdAt' | 'updatedAt'>; baseRevision: number; action: string }
  | { op: 'delete'; kind: Kind; id: string; baseRevision: number };

/** Swapped whole on every reload, never changed in place: an apply may keep the one it planned against. */
export type StoredObjects = ReadonlyMap<Kind, ReadonlyMap<string, StoredObject>>;

/**
 * Writes planned changes in batches; a plan the database no longer matches throws CONFLICT,
 * rolling all back. Between batches the event loop gets its turn: PGlite runs each statement on
 * this thread, so a 10,000-row transaction written in one go would hold up every request.
 */
export async function writeChanges(transaction: repository.Transaction, changes: Change[], stored: StoredObjects, actor: string, now: string, pause: () => Promise<void> | undefined): Promise<Map<string, number>> {
  const key = (object: { kind: Kind; id: string }) => `${object.kind}/${object.id}`;
  const revisionRows: Parameters<typeof repository.insertRevisions>[1][number][] = [];
  for (const change of changes) {
    if (change.op !== 'delete') continue;
    const existing = stored.get(change.kind)?.get(change.id);
    if (!existing) throw new GroveError('NOT_FOUND', `${change.kind} "${change.id}" not found`);
    if (!(await repository.deleteObject(transaction, change.kind, change.id, change.baseRevision))) throw stale(change.kind, change.id, change.baseRevision);
    const last = await repository.lastRevisionNumbers(transaction, [existing]);
    revisionRows.push({ ...existing, revision: (last.get(key(existing)) ?? 0) + 1, action: 'delete' });
  }
  for (const batch of batches(changes.filter((change) => change.op === 'create'))) {
    await pause();
    // a re-created id continues its numbering after the revisions of its deleted predecessor
    const last = await repository.lastRevisionNumbers(transaction, batch.map((change) => change.object));
    const rows = batch.map((change) => ({ ...change.object, revision: (last.get(key(change.object)) ?? 0) + 1, action: change.action }));
    const inserted = await repository.insertObjects(transaction, rows.map(({ action: _action, ...row }) => row), now);
    const lost = rows.find((row) => !inserted.has(key(row)));
    if (lost) throw new GroveError('CONFLICT', `${lost.kind} "${lost.id}" already exists`);
    revisionRows.push(...rows);
  }
  for (const batch of batches(changes.filter((change) => change.op === 'update'))) {
    await pause();
    const rows = batch.map((change) => ({ ...change.object, revision: change.baseRevision + 1, baseRevision: change.baseRevision, action: change.action }));
    const replaced = await repository.replaceObjects(transaction, rows.map(({ action: _action, ...row }) => row), now);
    const lost = rows.find((row) => !replaced.has(key(row)));
    if (lost) throw stale(lost.kind, lost.id, lost.baseRevision);
    revisionRows.push(...rows.map(({ baseRevision: _baseRevision, ...row }) => row));
  }
  // deletes included: the revision that records a delete is announced too (Registry.onCommitted).
  // Filled batch by batch: 10,000 keys at once were a 10-20 ms block of the serving thread.
  const written = new Map<string, number>();
  for (const batch of batches(revisionRows)) {
    await pause();
    await repository.insertRevisions(transaction, batch, actor, now);
    for (const row of batch) written.set(key(row), row.revision);
  }
  return written;
}

function batches<T>(rows: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += repository.BATCH_ROWS) result.push(rows.slice(start, start + repository.BATCH_ROWS));
  return result;
}

export function stale(kind: Kind, id: string, baseRevision: number): GroveError {
  return new GroveError('CONFLICT', `${kind} "${id}" has changed since revision ${baseRevision}: read it again and retry`);
}
