import { and, asc, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { circuitChanges, revisions } from '../../db/schema';

/** A model's circuit moved, on one instance (what server/telemetry/circuit-log.ts stores). */
export interface CircuitChangeRow {
  id: string;
  /** epoch ms */
  at: number;
  instanceId: string;
  modelId: string;
  from: string;
  to: string;
  reason: string;
}

/** A change of configuration: a revision of a Model or a RoutingPolicy. */
export interface ConfigChangeRow {
  at: number;
  kind: string;
  objectId: string;
  revision: number;
  action: string;
  actor: string;
}

/** The kinds whose changes move traffic: markers on the failover timeline. */
export const TIMELINE_KINDS = ['Model', 'RoutingPolicy'] as const;

export async function insertCircuitChanges(db: Database, rows: readonly CircuitChangeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(circuitChanges)
    .values(rows.map((row) => ({ id: row.id, at: new Date(row.at).toISOString(), instanceId: row.instanceId, modelId: row.modelId, fromState: row.from, toState: row.to, reason: row.reason })))
    // a batch retried after a write whose answer was lost: the rows are there already
    .onConflictDoNothing();
}

const epochMs = (column: typeof circuitChanges.at | typeof revisions.createdAt) => sql<number>`(extract(epoch from ${column}) * 1000)::float8`;
const circuitColumns = {
  id: circuitChanges.id,
  at: epochMs(circuitChanges.at),
  instanceId: circuitChanges.instanceId,
  modelId: circuitChanges.modelId,
  from: circuitChanges.fromState,
  to: circuitChanges.toState,
  reason: circuitChanges.reason,
};

function toCircuitRow(row: { id: string; at: number; instanceId: string; modelId: string; from: string; to: string; reason: string }): CircuitChangeRow {
  return { ...row, at: Number(row.at) };
}

/** The changes in [from, to) (epoch ms), oldest first, of one model or all. */
export async function selectCircuitChanges(db: Database, range: { from: number; to: number; modelId?: string }): Promise<CircuitChangeRow[]> {
  const conditions: SQL[] = [gte(circuitChanges.at, new Date(range.from).toISOString()), lt(circuitChanges.at, new Date(range.to).toISOString())];
  if (range.modelId !== undefined) conditions.push(sql`${circuitChanges.modelId} = ${range.modelId}`);
  const rows = await db.select(circuitColumns).from(circuitChanges).where(and(...conditions)).orderBy(asc(circuitChanges.at), asc(circuitChanges.id));
  return rows.map(toCircuitRow);
}

/** Each model's last change before `before` (epoch ms): the state its lane starts in. */
export async function selectCircuitStatesBefore(db: Database, before: number, modelId?: string): Promise<CircuitChangeRow[]> {
  const conditions: SQL[] = [lt(circuitChanges.at, new Date(before).toISOString())];
  if (modelId !== undefined) conditions.push(sql`${circuitChanges.modelId} = ${modelId}`);
  const rows = await db
    .selectDistinctOn([circuitChanges.modelId], circuitColumns)
    .from(circuitChanges)
    .where(and(...conditions))
    .orderBy(asc(circuitChanges.modelId), sql`${circuitChanges.at} desc`);
  return rows.map(toCircuitRow);
}

/** Deletes up to `limit` changes older than `before` (epoch ms); returns how many. */
export async function deleteCircuitChangesBefore(db: Database, before: number, limit: number): Promise<number> {
  const cutoff = new Date(before).toISOString();
  const deleted = await db
    .delete(circuitChanges)
    .where(sql`${circuitChanges.id} in (select ${circuitChanges.id} from ${circuitChanges} where ${circuitChanges.at} < ${cutoff} limit ${limit})`)
    .returning({ id: circuitChanges.id });
  return deleted.length;
}

/** Revisions of Models and RoutingPolicies made in [from, to), oldest first, at most `limit`. */
export async function selectConfigChanges(db: Database, range: { from: number; to: number; limit: number }): Promise<ConfigChangeRow[]> {
  const rows = await db
    .select({ at: epochMs(revisions.createdAt), kind: revisions.kind, objectId: revisions.objectId, revision: revisions.revision, action: revisions.action, actor: revisions.actor })
    .from(revisions)
    .where(and(inArray(revisions.kind, [...TIMELINE_KINDS]), gte(revisions.createdAt, new Date(range.from).toISOString()), lt(revisions.createdAt, new Date(range.to).toISOString())))
    .orderBy(asc(revisions.seq))
    .limit(range.limit);
  return rows.map((row) => ({ ...row, at: Number(row.at) }));
}
