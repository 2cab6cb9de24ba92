import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import { isDataError, type Database } from '../../db/client';
import { requestLog } from '../../db/schema';
import type { RequestCompleted } from '../events';
import type { Logger } from '../logger';
import { copyLine, type BatchSink } from './log-sink';

/**
 * Decision provenance, written off the hot path: each event becomes its line of COPY text once the
 * current turn's I/O callbacks are done (after the answers of that turn went out), encoded to bytes
 * (joining 250 lines as strings cost ~1.4 ms of main thread at flush time; as buffers it is a 30 µs
 * copy), queued in memory and written in batches through a sink (./log-sink.ts). A batch goes when
 * `batchSize` rows are queued, or `intervalMs` after the first row that is waiting; rows
 * that arrive while a batch is being written wait for their own turn rather than follow at once in
 * a batch of a few (a writer that drained continuously sent batches of ~14 rows at 3,000 req/s, and
 * each statement and commit costs the database more than many rows). A request never waits for
 * this; if the database is slow the queue grows up to `maxQueue`, then the oldest rows are dropped
 * and counted. A batch the database refuses because of its data (a duplicate id, a value out of
 * range) is split in halves until the rows at fault are found: only they are lost.
 */
export class RequestLogWriter {
  /** each row's line, encoded: off the JavaScript heap while it waits, and one memcpy to batch */
  private queue: Buffer[] = [];
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
  dropped = 0;

  constructor(
    private readonly sink: BatchSink,
    private readonly logger: Logger,
    private readonly options = { intervalMs: 250, batchSize: 500, maxQueue: 50_000 },
  ) {}

  enqueue(event: RequestCompleted): void {
    this.unencoded.push(event);
    const excess = this.queue.length + this.unencoded.length - this.options.maxQueue;
    if (excess > 0) {
      // the oldest go first: encoded rows, then events
      const encoded = Math.min(excess, this.queue.length);
      this.queue.splice(0, encoded);
      this.unencoded.splice(0, excess - encoded);
      this.dropped += excess;
    }
    if (!this.encodeScheduled) {
      this.encodeScheduled = true;
      setImmediate(this.encodeScheduledEvents);
    }
  }

  private readonly encodeScheduledEvents = (): void => {
    this.encodeScheduled = false;
    this.encode();
    if (this.queue.length >= this.options.batchSize) void this.start();
    else this.arm();
  };

  private encode(): void {
    if (this.unencoded.length === 0) return;
    const events = this.unencoded;
    this.unencoded = [];
    for (const event of events) {
      try {
        this.queue.push(Buffer.from(copyLine(event)));
      } catch (error) {
        this.dropped += 1;
        this.logger.error({ err: error, id: event.id }, 'request log row could not be encoded');
      }
    }
  }

  /** Writes everything queued; resolves when it is in the database (shutdown, tests, readers). */
  async flush(): Promise<void> {
    this.draining += 1;
    try {
      this.encode();
      while (this.queue.length > 0 || this.running) await this.start();
    } finally {
      this.draining -= 1;
    }
  }

  /** The rows waiting are written `intervalMs` after the first of them arrived. */
  private arm(): void {
    if (this.timer || this.running || this.queue.length === 0) return;
    this.timer = setTimeout(() => void this.start(), this.options.intervalMs);
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
      await this.write(this.queue.splice(0, this.options.batchSize));
      if (this.queue.length < this.options.batchSize && this.draining === 0) return;
    }
  }

  private async write(rows: Buffer[]): Promise<void> {
    try {
      await this.sink.write(Buffer.concat(rows));
    } catch (error) {
      if (rows.length > 1 && isDataError(error)) {
        const half = rows.length >>> 1;
        await this.write(rows.slice(0, half));
        await this.write(rows.slice(half));
        return;
      }
      this.dropped += rows.length;
      this.logger.error({ err: error, rows: rows.length }, 'request log batch failed');
    }
  }
}

export interface DecisionQuery {
  model?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit: number;
}

const listColumns = {
  id: requestLog.id,
  at: requestLog.at,
  keyId: requestLog.keyId,
  requestedModel: requestLog.requestedModel,
  servedModel: requestLog.servedModel,
  rule: requestLog.rule,
  outcome: requestLog.outcome,
  status: requestLog.status,
  errorKind: requestLog.errorKind,
  stream: requestLog.stream,
  latencyMs: requestLog.latencyMs,
  ttftMs: requestLog.ttftMs,
  promptTokens: requestLog.promptTokens,
  completionTokens: requestLog.completionTokens,
  costUsd: requestLog.costUsd,
  attempts: requestLog.attempts,
};

export async function listDecisions(db: Database, query: DecisionQuery) {
  const conditions: SQL[] = [];
  if (query.model) conditions.push(eq(requestLog.servedModel, query.model));
  if (query.outcome) conditions.push(eq(requestLog.outcome, query.outcome));
  if (query.since) conditions.push(gte(requestLog.at, query.since));
  if (query.until) conditions.push(lte(requestLog.at, query.until));
  const rows = await db
    .select(listColumns)
    .from(requestLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(requestLog.at))
    .limit(query.limit);
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString(), attempts: JSON.parse(row.attempts) as unknown }));
}

export async function getDecision(db: Database, id: string) {
  const [row] = await db
    .select({ ...listColumns, decision: requestLog.decision })
    .from(requestLog)
    .where(eq(requestLog.id, id));
  return row ? { ...row, at: new Date(row.at).toISOString(), attempts: JSON.parse(row.attempts) as unknown, decision: JSON.parse(row.decision) as unknown } : undefined;
}

