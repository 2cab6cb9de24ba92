import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { instances } from '../../db/schema';

export interface InstanceRow {
  instanceId: string;
  hostname: string;
  pid: number;
  version: string;
  startedAt: string;
  lastSeenAt: string;
  /** JSON, see ./published-rollups.ts */
  openRollups: string;
}

/** This instance is alive: its row, with the database's time as `last_seen_at`. */
export async function beat(db: Database, row: Omit<InstanceRow, 'lastSeenAt'>): Promise<void> {
  await db
    .insert(instances)
    .values({ ...row, lastSeenAt: sql`now()` })
    .onConflictDoUpdate({ target: instances.instanceId, set: { lastSeenAt: sql`now()`, openRollups: row.openRollups, version: row.version } });
}

/**
 * The instances seen within `withinMs`, by the database's clock; rows older than `forgetMs` are
 * deleted on the way (an instance killed without saying goodbye).
 */
export async function liveInstances(db: Database, withinMs: number, forgetMs: number): Promise<InstanceRow[]> {
  await db.delete(instances).where(sql`${instances.lastSeenAt} < now() - make_interval(secs => ${forgetMs / 1000})`);
  return db
    .select({
      instanceId: instances.instanceId,
      hostname: instances.hostname,
      pid: instances.pid,
      version: instances.version,
      startedAt: instances.startedAt,
      lastSeenAt: instances.lastSeenAt,
      openRollups: instances.openRollups,
    })
    .from(instances)
    .where(sql`${instances.lastSeenAt} >= now() - make_interval(secs => ${withinMs / 1000})`)
    .orderBy(instances.startedAt);
}

/** A clean shutdown: the instance leaves the fleet at once instead of when it goes stale. */
export async function leave(db: Database, instanceId: string): Promise<void> {
  await db.delete(instances).where(eq(instances.instanceId, instanceId));
}
