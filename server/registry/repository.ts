import { and, asc, desc, eq, max, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { auditLog, changeVersion, objects, revisions } from '../../db/schema';
import type { Kind, Metadata } from '../../shared/objects';
import type { AuditEntry } from '../../shared/system';

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

/**
 * Every object, read in pages of `pageRows` inside one read-only snapshot (repeatable read), so
 * that the pages agree with each other and with the change version read first: the objects are the
 * registry exactly as of `version`. `between` runs between pages (a turn of the event loop:
 * decoding 10,000 rows at once would hold up the requests being served).
 */
export async function loadAllObjects(db: Database, between: () => Promise<void> | undefined = () => undefined, pageRows = 250): Promise<{ version: bigint; objects: StoredObject[] }> {
  return db.transaction(
    async (transaction) => {
      const version = await readChangeVersion(transaction);
      const all: StoredObject[] = [];
      for (;;) {
        const last = all[all.length - 1];
        const rows = await transaction
          .select(objectColumns)
          .from(objects)
          .where(last ? sql`(${objects.kind}, ${objects.id}) > (${last.kind}, ${last.id})` : undefined)
          .orderBy(asc(objects.kind), asc(objects.id))
          .limit(pageRows);
        for (const row of rows) all.push({ ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) } as StoredObject);
        if (rows.length < pageRows) return { version, objects: all };
        await between();
      }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * The database's change version (bumped by a trigger on every write to objects or keys,
 * db/migrations/0001). `lock` holds its row until the transaction ends: every other writer's
 * trigger then waits, so the version read is the one the transaction starts from and no one
 * commits a change between it and the transaction's own.
 */
export async function readChangeVersion(db: Executor, options: { lock?: boolean } = {}): Promise<bigint> {
  const query = db.select({ version: changeVersion.version }).from(changeVersion).where(eq(changeVersion.id, 1));
  const [row] = options.lock ? await query.for('update') : await query;
  return row?.version ?? 0n;
}

/**
 * The batched writes below take at most this many rows per call: few enough that encoding one
 * batch, and PGlite's running it on this thread, hold up the requests being served only briefly.
 */
export const BATCH_ROWS = 100;

const keyOf = (kind: string, id: string) => `${kind}/${id}`;

/** A list of (kind, id) as one jsonb parameter: a row-value IN list of hundreds of pairs is parsed recursively. */
const keyTable = (keys: ReadonlyArray<{ kind: string; id: string }>) =>
  sql`(select kind, id from jsonb_to_recordset(${JSON.stringify(keys.map(({ kind, id }) => ({ kind, id })))}::jsonb) as k(kind text, id text))`;

type NewObject = Omit<StoredObject, 'createdAt' | 'updatedAt'>;

/**
 * Rows sent as one jsonb parameter and read back as a table (`columns` as in jsonb_to_recordset):
 * drizzle's builder takes 10–80 ms to spell out a VALUES list of 250 objects, a parameter per
 * field, on the serving thread; JSON.stringify of the same rows well under 1 ms.
 */
const jsonRows = (rows: readonly object[], columns: SQL) => sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${columns})`;

/**
 * Inserts objects (at most BATCH_ROWS) that must not exist yet; returns the keys (`kind/id`) actually inserted, so a
 * caller whose "it did not exist" was overtaken by another writer learns which ones were.
 */
export async function insertObjects(db: Executor, rows: readonly NewObject[], now: string): Promise<Set<string>> {
  const table = jsonRows(
    rows.map(({ kind, id, metadata, spec, revision }) => ({ kind, id, metadata, spec, revision })),
    sql`kind text, id text, metadata jsonb, spec jsonb, revision integer`,
  );
  const written = await db
    .insert(objects)
    .select(sql`select kind, id, metadata, spec, revision, ${now}::timestamptz, ${now}::timestamptz from ${table}`)
    .onConflictDoNothing()
    .returning({ kind: objects.kind, id: objects.id });
  return new Set(written.map((row) => keyOf(row.kind, row.id)));
}

/**
 * Compare-and-swap on the revision, up to BATCH_ROWS rows per statement: a row replaces the stored one only
 * if that one is still at `baseRevision`. Delete-and-insert under that check rather than UPDATE,
 * because UPDATE cannot take per-row values without FROM (VALUES …), which the query builder
 * does not spell. Returns the keys replaced; a stale one is missing.
 */
export async function replaceObjects(db: Executor, rows: ReadonlyArray<NewObject & { baseRevision: number }>, now: string): Promise<Set<string>> {
  const removed = await db
    .delete(objects)
    .where(
      sql`(${objects.kind}, ${objects.id}, ${objects.revision}) in (select kind, id, base from jsonb_to_recordset(${JSON.stringify(
        rows.map((row) => ({ kind: row.kind, id: row.id, base: row.baseRevision })),
      )}::jsonb) as k(kind text, id text, base integer))`,
    )
    .returning({ kind: objects.kind, id: objects.id, createdAt: objects.createdAt });
  if (removed.length === 0) return new Set();
  const createdAt = new Map(removed.map((row) => [keyOf(row.kind, row.id), row.createdAt]));
  const kept = rows.filter((row) => createdAt.has(keyOf(row.kind, row.id)));
  const table = jsonRows(
    kept.map(({ kind, id, metadata, spec, revision }) => ({ kind, id, metadata, spec, revision, created_at: createdAt.get(keyOf(kind, id))! })),
    sql`kind text, id text, metadata jsonb, spec jsonb, revision integer, created_at timestamptz`,
  );
  await db.insert(objects).select(sql`select kind, id, metadata, spec, revision, created_at, ${now}::timestamptz from ${table}`);
  return new Set(createdAt.keys());
}

export async function deleteObject(db: Executor, kind: Kind, id: string, baseRevision: number): Promise<boolean> {
  const rows = await db
    .delete(objects)
    .where(and(eq(objects.kind, kind), eq(objects.id, id), eq(objects.revision, baseRevision)))
    .returning({ id: objects.id });
  return rows.length > 0;
}

/** One immutable revision and one audit entry per row (at most BATCH_ROWS). */
export async function insertRevisions(db: Executor, rows: ReadonlyArray<Pick<StoredObject, 'kind' | 'id' | 'metadata' | 'spec' | 'revision'> & { action: string }>, actor: string, now: string): Promise<void> {
  const changed = jsonRows(
    rows.map(({ kind, id, metadata, spec, revision, action }) => ({ kind, id, metadata, spec, revision, action })),
    sql`kind text, id text, metadata jsonb, spec jsonb, revision integer, action text`,
  );
  await db.execute(
    sql`insert into ${revisions} (kind, object_id, revision, action, actor, metadata, spec, created_at) select kind, id, revision, action, ${actor}, metadata, spec, ${now}::timestamptz from ${changed}`,
  );
  const audited = jsonRows(
    rows.map(({ kind, id, revision, action }) => ({ kind, id, revision, action })),
    sql`kind text, id text, revision integer, action text`,
  );
  await db.execute(sql`insert into ${auditLog} (at, actor, action, kind, object_id, revision) select ${now}::timestamptz, ${actor}, action, kind, id, revision from ${audited}`);
}

export async function listRevisions(db: Executor, kind: Kind, id: string): Promise<RevisionRow[]> {
  const rows = await db
    .select({ revision: revisions.revision, action: revisions.action, actor: revisions.actor, metadata: revisions.metadata, spec: revisions.spec, createdAt: revisions.createdAt })
    .from(revisions)
    .where(and(eq(revisions.kind, kind), eq(revisions.objectId, id)))
    .orderBy(asc(revisions.revision));
  return rows.map((row) => ({ ...row, createdAt: iso(row.createdAt) })) as RevisionRow[];
}

/** The last revision number of each object (`kind/id`, at most BATCH_ROWS) that ever had one, deleted ones included. */
export async function lastRevisionNumbers(db: Executor, keys: ReadonlyArray<{ kind: Kind; id: string }>): Promise<Map<string, number>> {
  const rows = await db
    .select({ kind: revisions.kind, id: revisions.objectId, revision: max(revisions.revision) })
    .from(revisions)
    .where(sql`(${revisions.kind}, ${revisions.objectId}) in ${keyTable(keys)}`)
    .groupBy(revisions.kind, revisions.objectId);
  return new Map(rows.map((row) => [keyOf(row.kind, row.id), row.revision ?? 0]));
}

export type AuditRow = AuditEntry;

export async function writeAudit(db: Executor, entry: { actor: string; action: string; detail?: unknown }): Promise<void> {
  await db.insert(auditLog).values({ actor: entry.actor, action: entry.action, detail: entry.detail ?? null });
}

export async function listAudit(db: Executor, limit: number): Promise<AuditRow[]> {
  const rows = await db
    .select({ seq: auditLog.seq, at: auditLog.at, actor: auditLog.actor, action: auditLog.action, kind: auditLog.kind, objectId: auditLog.objectId, revision: auditLog.revision, detail: auditLog.detail })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(limit);
  // jsonb: JSON by construction
  return rows.map((row) => ({ ...row, at: iso(row.at), detail: row.detail as AuditRow['detail'] }));
}

/** The drivers print timestamptz as "2026-01-02 03:04:05.6+00"; the API speaks ISO 8601. */
function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}
