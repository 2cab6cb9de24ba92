import { setImmediate } from 'node:timers/promises';
import type { Database } from '../../db/client';
import { deleteDecisionsBefore } from '../gateway/request-log';
import type { Logger } from '../logger';
import { deleteRollupsBefore } from './rollup-repository';
import { deleteCircuitChangesBefore } from './timeline-repository';

export interface RetentionOptions {
  metricsDays: number;
  requestLogDays: number;
}

const BATCH_ROWS = 5_000;
const DAY_MS = 86_400_000;

/**
 * Deletes what is older than its retention: metric rollups and request-log rows. In batches, with
 * a turn of the event loop between them, so that a first run over a large backlog holds neither the
 * requests being served nor a lock on the table for long.
 */
export async function applyRetention(db: Database, options: RetentionOptions, now: number): Promise<{ rollups: number; requestLog: number; circuitChanges: number }> {
  const rollups = await inBatches((limit) => deleteRollupsBefore(db, now - options.metricsDays * DAY_MS, limit));
  const requestLog = await inBatches((limit) => deleteDecisionsBefore(db, now - options.requestLogDays * DAY_MS, limit));
  // the failover timeline covers the same ranges as the charts beside it: kept as long as the rollups
  const circuitChanges = await inBatches((limit) => deleteCircuitChangesBefore(db, now - options.metricsDays * DAY_MS, limit));
  return { rollups, requestLog, circuitChanges };
}

async function inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(BATCH_ROWS);
    total += deleted;
    if (deleted < BATCH_ROWS) return total;
    await setImmediate();
  }
}

/** Runs retention now and then every `intervalMs`; a failed run is logged and the next one tries again. */
export function scheduleRetention(db: Database, options: RetentionOptions, logger: Logger, intervalMs = 3_600_000, firstAfterMs = 60_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const deleted = await applyRetention(db, options, Date.now());
      if (deleted.rollups || deleted.requestLog || deleted.circuitChanges) logger.info({ deleted, ...options }, 'retention: deleted rows past their retention');
    } catch (error) {
      logger.warn({ err: error }, 'retention: cleanup failed; trying again at the next run');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void run(), firstAfterMs);
  const every = setInterval(() => void run(), intervalMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
