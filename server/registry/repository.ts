import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { auditLog, objects, revisions } from '../../db/schema';
import type { Kind, Metadata } from '../../shared/objects';

/** An object as stored: `spec` holds secrets encrypted, never in the clear. */
export interface StoredObject {
  kind: Kind;
  id: string;
  metadata: Metadata;
  spec: Record<string, unknown>;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface RevisionRow {
  revision: number;
  action: string;
  actor: string;
  metadata: Metadata;
  spec: Record<string, unknown>;
  createdAt: string;
}

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
type Executor = Database | Transaction;

const objectColumns = {
  kind: objects.kind,
  id: objects.id,
  metadata: objects.metadata,
  spec: objects.spec,
  revision: objects.revision,
  createdAt: objects.createdAt,
  updatedAt: objects.updatedAt,
};

export async function loadAllObjects(db: Executor): Promise<StoredObject[]> {
  const rows = await db.select(objectColumns).from(objects).orderBy(asc(objects.kind), asc(objects.id));
  return rows.map((row) => ({ ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) })) as StoredObject[];
}

export async function insertObject(db: Executor, object: Omit<StoredObject, 'createdAt' | 'updatedAt'>, now: string): Promise<StoredObject> {
  const [row] = await db
    .insert(objects)
    .values({ ...object, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning(objectColumns);
  return row as StoredObject;
}

/** Compare-and-swap on the revision: a stale writer updates nothing and learns so. */
export async function updateObject(db: Executor, object: Omit<StoredObject, 'createdAt' | 'updatedAt'>, baseRevision: number, now: string): Promise<StoredObject | undefined> {
  const [row] = await db
    .update(objects)
    .set({ metadata: object.metadata, spec: object.spec, revision: object.revision, updatedAt: now })
    .where(and(eq(objects.kind, object.kind), eq(objects.id, object.id), eq(objects.revision, baseRevision)))
    .returning(objectColumns);
  return row as StoredObject | undefined;
}

export async function deleteObject(db: Executor, kind: Kind, id: string, baseRevision: number): Promise<boolean> {
  const rows = await db
    .delete(objects)
    .where(and(eq(objects.kind, kind), eq(objects.id, id), eq(objects.revision, baseRevision)))
    .returning({ id: objects.id });
  return rows.length > 0;
}

export async function insertRevision(db: Executor, object: Pick<StoredObject, 'kind' | 'id' | 'metadata' | 'spec' | 'revision'>, action: string, actor: string, now: string): Promise<void> {
  await db.insert(revisions).values({
    kind: object.kind,
    objectId: object.id,
    revision: object.revision,
    action,
    actor,
    metadata: object.metadata,
    spec: object.spec,
    createdAt: now,
  });
  await db.insert(auditLog).values({ at: now, actor, action, kind: object.kind, objectId: object.id, revision: object.revision });
}

export async function listRevisions(db: Executor, kind: Kind, id: string): Promise<RevisionRow[]> {
  const rows = await db
    .select({ revision: revisions.revision, action: revisions.action, actor: revisions.actor, metadata: revisions.metadata, spec: revisions.spec, createdAt: revisions.createdAt })
    .from(revisions)
    .where(and(eq(revisions.kind, kind), eq(revisions.objectId, id)))
    .orderBy(asc(revisions.revision));
  return rows.map((row) => ({ ...row, createdAt: iso(row.createdAt) })) as RevisionRow[];
}

export async function lastRevisionNumber(db: Executor, kind: Kind, id: string): Promise<number> {
  const [row] = await db
    .select({ revision: max(revisions.revision) })
    .from(revisions)
    .where(and(eq(revisions.kind, kind), eq(revisions.objectId, id)));
  return row?.revision ?? 0;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  kind: string | null;
  objectId: string | null;
  revision: number | null;
  detail: unknown;
}

export async function writeAudit(db: Executor, entry: { actor: string; action: string; detail?: unknown }): Promise<void> {
  await db.insert(auditLog).values({ actor: entry.actor, action: entry.action, detail: entry.detail ?? null });
}

export async function listAudit(db: Executor, limit: number): Promise<AuditRow[]> {
  const rows = await db
    .select({ seq: auditLog.seq, at: auditLog.at, actor: auditLog.actor, action: auditLog.action, kind: auditLog.kind, objectId: auditLog.objectId, revision: auditLog.revision, detail: auditLog.detail })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(limit);
  return rows.map((row) => ({ ...row, at: iso(row.at) }));
}

/** The drivers print timestamptz as "2026-01-02 03:04:05.6+00"; the API speaks ISO 8601. */
function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}
