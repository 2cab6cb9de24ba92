import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { requestLog } from '../../db/schema';
import type { RequestCompleted } from '../events';
import type { Logger } from '../logger';
import type { Decision } from '../routing';
import type { BatchSink, LogBatch } from './log-sink';
import { loggedDecision } from './provenance';

/**
 * Decision provenance, written off the hot path: each event is turned into text at once (flat
 * strings the garbage collector never traces, instead of a graph of objects kept for a quarter of a
 * second and promoted to the old generation), queued in memory and inserted in batches (every
 * `intervalMs` or `batchSize` rows) through a sink (./log-sink.ts). A request never waits for
 * this; if the database is slow the queue grows up to `maxQueue`, then the oldest rows are dropped
 * and counted.
 */
export class RequestLogWriter {
  /** per queued row: its scalar columns, attempts and decision, each as JSON */
  private queue: Array<[string, string, string]> = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(
    private readonly sink: BatchSink,
    private readonly logger: Logger,
    private readonly options = { intervalMs: 250, batchSize: 500, maxQueue: 50_000 },
  ) {}

  enqueue(event: RequestCompleted): void {
    this.queue.push(rowTexts(event));
    if (this.queue.length > this.options.maxQueue) {
      const excess = this.queue.length - this.options.maxQueue;
      this.queue.splice(0, excess);
      this.dropped += excess;
    }
    if (this.queue.length >= this.options.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes what is queued; resolves when it is in the database (used at shutdown and by tests). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) await this.flushing;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.options.batchSize);
      this.flushing = this.sink
        .write(toBatch(batch))
        .catch((error: unknown) => {
          this.dropped += batch.length;
          this.logger.error({ err: error, rows: batch.length }, 'request log batch failed');
        });
      await this.flushing;
      this.flushing = null;
    }
  }
}

/**
 * One row as three JSON texts: its scalar columns (`at` stays epoch milliseconds, PostgreSQL
 * converts it), its attempts, and its decision in the logged form (chain, named model, best
 * candidates), whose candidate explanations are built here, lazily, for the first time.
 */
function rowTexts(event: RequestCompleted): [string, string, string] {
  const row = JSON.stringify({
    id: event.id,
    at: event.at,
    keyId: event.keyId ?? null,
    requestedModel: event.requestedModel,
    servedModel: event.servedModel ?? null,
    rule: event.rule,
    outcome: event.outcome,
    status: event.status,
    errorKind: event.errorKind ?? null,
    stream: event.stream,
    latencyMs: event.latencyMs,
    ttftMs: event.ttftMs ?? null,
    promptTokens: event.promptTokens ?? null,
    completionTokens: event.completionTokens ?? null,
    costUsd: event.costUsd ?? null,
  });
  return [row, JSON.stringify(event.attempts), JSON.stringify(loggedDecision(event.decision as Decision))];
}

function toBatch(queued: Array<[string, string, string]>): LogBatch {
  const rows: string[] = [];
  const attempts: string[] = [];
  const decisions: string[] = [];
  for (const [row, attempt, decision] of queued) {
    rows.push(row);
    attempts.push(attempt);
    decisions.push(decision);
  }
  return { rows: `[${rows.join(',')}]`, attempts: attempts.join('\n'), decisions: decisions.join('\n') };
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

