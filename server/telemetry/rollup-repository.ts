import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { metricRollups } from '../../db/schema';
import type { BucketSeconds, RollupRow } from './rollups';

/** rows per INSERT: 13 parameters a row stays far below PostgreSQL's 65,535 per statement */
const INSERT_ROWS = 500;

/** Rows this instance counted, in one transaction (which gives the write its deadline, db/deadline.ts). */
export async function insertRollups(db: Database, instanceId: string, rows: readonly RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (transaction) => {
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      await transaction.insert(metricRollups).values(
        rows.slice(start, start + INSERT_ROWS).map((row) => ({
          bucketStart: new Date(row.bucketStart).toISOString(),
          bucketSeconds: row.bucketSeconds,
          instanceId,
          modelId: row.modelId,
          keyId: row.keyId,
          requests: row.requests,
          errors: row.errors,
          failovers: row.failovers,
          inputTokens: row.inputTokens,
          outputTokens: row.outputTokens,
          costUsd: row.costUsd,
          latency: row.latency,
          ttft: row.ttft,
        })),
      );
    }
  });
}

export interface RollupSelection {
  bucketSeconds: BucketSeconds;
  /** [from, to) epoch ms, multiples of the bucket */
  from: number;
  to: number;
  modelId?: string;
}

/** The stored rows of one bucket size whose bucket starts within the range. */
export async function selectRollups(db: Database, selection: RollupSelection): Promise<RollupRow[]> {
  const conditions: SQL[] = [
    eq(metricRollups.bucketSeconds, selection.bucketSeconds),
    gte(metricRollups.bucketStart, new Date(selection.from).toISOString()),
    lt(metricRollups.bucketStart, new Date(selection.to).toISOString()),
  ];
  if (selection.modelId !== undefined) conditions.push(eq(metricRollups.modelId, selection.modelId));
  const rows = await db
    .select({
      bucketStart: sql<number>`(extract(epoch from ${metricRollups.bucketStart}) * 1000)::float8`,
      instanceId: metricRollups.instanceId,
      modelId: metricRollups.modelId,
      keyId: metricRollups.keyId,
      requests: metricRollups.requests,
      errors: metricRollups.errors,
      failovers: metricRollups.failovers,
      inputTokens: metricRollups.inputTokens,
      outputTokens: metricRollups.outputTokens,
      costUsd: metricRollups.costUsd,
      latency: metricRollups.latency,
      ttft: metricRollups.ttft,
    })
    .from(metricRollups)
    .where(and(...conditions))
    .orderBy(asc(metricRollups.bucketStart));
  return rows.map((row) => ({ ...row, bucketStart: Number(row.bucketStart), bucketSeconds: selection.bucketSeconds }));
}

/** Deletes up to `limit` rows older than `before` (epoch ms); returns how many. */
export async function deleteRollupsBefore(db: Database, before: number, limit: number): Promise<number> {
  const cutoff = new Date(before).toISOString();
  const deleted = await db
    .delete(metricRollups)
    .where(sql`${metricRollups.seq} in (select ${metricRollups.seq} from ${metricRollups} where ${metricRollups.bucketStart} < ${cutoff} limit ${limit})`)
    .returning({ seq: metricRollups.seq });
  return deleted.length;
}
