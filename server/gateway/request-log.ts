import { sql } from 'drizzle-orm';
import { isDataError, type Database } from '../../db/client';
import { requestLog } from '../../db/schema';
import type { RequestCompleted } from '../events';
import type { Logger } from '../logger';
import { copyLine, type BatchSink } from './log-sink';

export interface RequestLogOptions {
  /** a partial batch is written this long after its first row arrived */
  intervalMs: number;
  batchSize: number;
  /** rows held in memory at most (GROVE_REQUEST_LOG_BUFFER_ROWS); past it the oldest are dropped */
  maxQueue: number;
  /** the first retry after a failed batch; each failure after it doubles the wait, up to `retryMaxMs` */
  retryMinMs: number;
  retryMaxMs: number;
}

const defaultOptions: RequestLogOptions = { intervalMs: 250, batchSize: 500, maxQueue: 50_000, retryMinMs: 250, retryMaxMs: 5_000 };

/** What the writer has done since it started; `buffered` is what waits in memory now. */
export interface RequestLogStats {
  buffered: number;
  written: number;
  dropped: number;
  /** batches the database took: the writer's own pace, which readers never quicken */
  batches: number;
  /** true from a batch the database could not take until one it took */
  databaseDown: boolean;
}

/**
 * Decision provenance, written off the hot path: each event becomes its line of COPY text once the
 * current turn's I/O callbacks are done (after the answers of that turn went out), encoded to bytes
 * (joining 250 lines as strings cost ~1.4 ms of main thread at flush time; as buffers it is a 30 µs
 * copy), queued in memory and written in batches through a sink (./log-sink.ts). A batch goes when
 * `batchSize` rows are queued, or `intervalMs` after the first row that is waiting; rows
 * that arrive while a batch is being written wait for their own turn rather than follow at once in
 * a batch of a few (a writer that drained continuously sent batches of ~14 rows at 3,000 req/s, and
 * each statement and commit costs the database more than many rows). A request never waits for
 * this.
 *
 * The queue is also the buffer that carries the log through a database outage: a batch the
 * database cannot take (down, hung past its timeout) goes back to the head of the queue and is
 * tried again, with a backoff, until the database is back; rows keep queueing meanwhile. Past
 * `maxQueue` rows the oldest are dropped and counted (the newest say more about the present), with
 * one warning when dropping starts and a summary when the database is back. A batch the database
 * refuses because of its data (a duplicate id, a value out of range) is split in halves until the
 * rows at fault are found: only they are lost.
 */
/** A row waiting for its batch: its decision id, and its line encoded (off the JavaScript heap while it waits, one memcpy to batch). */
interface QueuedRow {
  id: string;
  line: Buffer;
}

export class RequestLogWriter {
  private queue: QueuedRow[] = [];
  /**
   * Events not encoded yet. They are encoded together once the I/O callbacks of the current turn
   * are done (setImmediate): the answer that produced an event leaves before its log line (with
   * its decision's explanation) is written.
   */
  private unencoded: RequestCompleted[] = [];
  private encodeScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  /** the writer's loop, while it runs (one at a time) */
  private running: Promise<void> | null = null;
  /** flush() calls waiting: the loop then writes every row, partial batches included */
  private draining = 0;
  /** the rows of the batch being written: still buffered, not yet written */
  private inFlight = 0;
  /** while the database cannot take batches: when that began, the wait before the next try, what was dropped since */
  private outage: { since: number; retryMs: number; droppedBefore: number } | null = null;
  /** set once dropping for want of room was logged; cleared when a write leaves room again */
  private dropping = false;
  /**
   * The decision ids of the rows not written yet (queued, being encoded or in flight), so that a
   * reader can tell a decision that is on its way from one that does not exist.
   */
  private readonly pending = new Set<string>();
  /** readers waiting for rows to leave `pending`: told after every batch and every drop */
  private readonly settledListeners = new Set<() => void>();
  private readonly options: RequestLogOptions;
  written = 0;
  dropped = 0;
  batches = 0;

  constructor(
    private readonly sink: BatchSink,
    private readonly logger: Logger,
    options: Partial<RequestLogOptions> = {},
  ) {
    this.options = { ...defaultOptions, ...options };
  }

  stats(): RequestLogStats {
    return { buffered: this.queue.length + this.unencoded.length + this.inFlight, written: this.written, dropped: this.dropped, batches: this.batches, databaseDown: this.outage !== null };
  }

  /** Whether the decision `id` is on its way to the database: received, not yet written or dropped. */
  holds(id: string): boolean {
    return this.pending.has(id);
  }

  /**
   * Resolves once the decision `id` has left the writer (written, or dropped), or after
   * `timeoutMs`, whichever comes first. It waits for the writer's own batches and never hurries
   * one: a console that polls must not defeat the batching.
   */
  whenSettled(id: string, timeoutMs: number): Promise<void> {
    if (!this.pending.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const settle = () => {
        clearTimeout(timer);
        this.settledListeners.delete(check);
        resolve();
      };
      const check = () => {
        if (!this.pending.has(id)) settle();
      };
      const timer = setTimeout(settle, timeoutMs);
      this.settledListeners.add(check);
    });
  }

  enqueue(event: RequestCompleted): void {
    this.unencoded.push(event);
    this.pending.add(event.id);
    const excess = this.queue.length + this.unencoded.length - this.options.maxQueue;
    if (excess > 0) {
      // the oldest go first: encoded rows, then events
      const encoded = Math.min(excess, this.queue.length);
      this.forget(this.queue.splice(0, encoded));
      this.forget(this.unencoded.splice(0, excess - encoded));
      this.drop(excess);
      this.settled();
    }
    if (!this.encodeScheduled) {
      this.encodeScheduled = true;
      setImmediate(this.encodeScheduledEvents);
    }
  }

  private readonly encodeScheduledEvents = (): void => {
    this.encodeScheduled = false;
    this.encode();
    // during an outage the next try waits for its backoff, however many rows arrive
    if (this.queue.length >= this.options.batchSize && !this.outage) void this.start();
    else this.arm();
  };

  private encode(): void {
    if (this.unencoded.length === 0) return;
    const events = this.unencoded;
    this.unencoded = [];
    for (const event of events) {
      try {
        this.queue.push({ id: event.id, line: Buffer.from(copyLine(event)) });
      } catch (error) {
        this.forget([event]);
        this.settled();
        this.dropped += 1;
        this.logger.error({ err: error, id: event.id }, 'request log row could not be encoded');
      }
    }
  }

  /** The rows have left the writer, written or dropped. */
  private forget(rows: ReadonlyArray<{ id: string }>): void {
    for (const row of rows) this.pending.delete(row.id);
  }

  /** Tells the waiting readers that rows may have left `pending`. */
  private settled(): void {
    for (const listener of [...this.settledListeners]) listener();
  }

  /** Counts rows dropped for want of room, with one warning when dropping starts. */
  private drop(rows: number): void {
    this.dropped += rows;
    if (this.dropping) return;
    this.dropping = true;
    this.logger.warn({ dropped: rows, maxQueue: this.options.maxQueue }, 'request log buffer full: dropping the oldest rows (GROVE_REQUEST_LOG_BUFFER_ROWS)');
  }

  /**
   * Writes everything queued; resolves when it is in the database (shutdown, tests; readers never flush: they wait, see ./decision-log.ts). It
   * does not wait out an outage: if the database cannot take a batch, what is left is dropped and
   * counted, so that a shutdown ends.
   */
  async flush(): Promise<void> {
    this.draining += 1;
    try {
      this.encode();
      while (this.queue.length > 0 || this.running) await this.start();
    } finally {
      this.draining -= 1;
    }
  }

  /** The rows waiting are written `intervalMs` after the first of them arrived, or at the next retry. */
  private arm(): void {
    if (this.timer || this.running || this.queue.length === 0) return;
    this.timer = setTimeout(() => void this.start(), this.outage ? this.outage.retryMs : this.options.intervalMs);
    this.timer.unref();
  }

  /** Runs the writer unless it runs already; resolves when that run ends. */
  private start(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.running ??= this.run().finally(() => {
      this.running = null;
      this.arm();
    });
    return this.running;
  }

  /** One batch, then more only while full ones are queued (or a flush waits for every row). */
  private async run(): Promise<void> {
    this.encode();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      this.inFlight = batch.length;
      let failed: { rows: QueuedRow[]; error: unknown } | null;
      try {
        failed = await this.write(batch);
      } finally {
        this.inFlight = 0;
      }
      this.settled();
      if (failed) {
        this.failed(failed.rows, failed.error);
        return;
      }
      if (this.outage) this.recovered();
      if (this.dropping && this.queue.length < this.options.maxQueue) this.dropping = false;
      if (this.queue.length < this.options.batchSize && this.draining === 0) return;
    }
  }

  /** The database could not take `rows`: they go back to the head of the queue for the next try. */
  private failed(rows: QueuedRow[], error: unknown): void {
    if (this.draining > 0) {
      const lost = rows.length + this.queue.length;
      this.forget(rows);
      this.forget(this.queue);
      this.settled();
      this.queue = [];
      this.dropped += lost;
      this.logger.error({ err: error, rows: lost }, 'request log: the database cannot take the rows left at shutdown; dropped');
      return;
    }
    this.queue = rows.concat(this.queue);
    const excess = this.queue.length - this.options.maxQueue;
    if (!this.outage) {
      this.outage = { since: Date.now(), retryMs: this.options.retryMinMs, droppedBefore: this.dropped };
      this.logger.error({ err: error, buffered: this.queue.length }, 'request log: the database cannot take rows; keeping them and retrying');
    } else {
      this.outage.retryMs = Math.min(this.outage.retryMs * 2, this.options.retryMaxMs);
    }
    if (excess > 0) {
      this.forget(this.queue.splice(0, excess));
      this.settled();
      this.drop(excess);
    }
  }

  private recovered(): void {
    const outage = this.outage!;
    this.outage = null;
    this.logger.info(
      { outageMs: Date.now() - outage.since, buffered: this.queue.length, dropped: this.dropped - outage.droppedBefore },
      'request log: the database is back; writing the rows kept during the outage',
    );
  }

  /**
   * Writes `rows`; returns those the database could not take (from the first failure on), or null.
   * Rows it refuses for their data are found by halving, dropped and counted.
   */
  private async write(rows: QueuedRow[]): Promise<{ rows: QueuedRow[]; error: unknown } | null> {
    try {
      await this.sink.write(Buffer.concat(rows.map((row) => row.line)));
      this.written += rows.length;
      this.batches += 1;
      this.forget(rows);
      return null;
    } catch (error) {
      if (!isDataError(error)) return { rows, error };
      if (rows.length === 1) {
        this.forget(rows);
        this.dropped += 1;
        this.logger.error({ err: error, rows: 1 }, 'request log row refused by the database');
        return null;
      }
      const half = rows.length >>> 1;
      const first = await this.write(rows.slice(0, half));
      if (first) return { rows: first.rows.concat(rows.slice(half)), error: first.error };
      return this.write(rows.slice(half));
    }
  }
}
/** Deletes up to `limit` rows of requests that arrived before `before` (epoch ms): retention. Returns how many. */
export async function deleteDecisionsBefore(db: Database, before: number, limit: number): Promise<number> {
  const cutoff = new Date(before).toISOString();
  const deleted = await db
    .delete(requestLog)
    .where(sql`${requestLog.id} in (select ${requestLog.id} from ${requestLog} where ${requestLog.at} < ${cutoff} limit ${limit})`)
    .returning({ id: requestLog.id });
  return deleted.length;
}
