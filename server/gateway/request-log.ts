import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { requestLog } from '../../db/schema';
import type { RequestCompleted } from '../events';
import type { Logger } from '../logger';
import type { Decision } from '../routing';
import { loggedDecision } from './provenance';

/**
 * Decision provenance, written off the hot path: events are queued in memory and inserted in
 * batches (every `intervalMs` or `batchSize` rows). A request never waits for this; if the
 * database is slow the queue grows up to `maxQueue`, then the oldest rows are dropped and counted.
 */
type Row = Omit<typeof requestLog.$inferInsert, 'attempts' | 'decision'> & { attempts: unknown; decision: unknown };

export class RequestLogWriter {
  private queue: Row[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options = { intervalMs: 250, batchSize: 500, maxQueue: 50_000 },
  ) {}

  enqueue(event: RequestCompleted): void {
    this.queue.push({
      id: event.id,
      at: new Date(event.at).toISOString(),
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
      attempts: event.attempts,
      decision: event.decision,
    });
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
      this.flushing = this.db
        .execute(insertBatch(batch))
        .then(() => undefined)
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
 * One statement, one parameter: the batch as a JSON array, unpacked by PostgreSQL. Binding 17
 * parameters per row is what made multi-row inserts slow on PGlite. The decision is serialised
 * here, in the batch, because reading its candidates builds the full explanation (lazily).
 */
function insertBatch(batch: Row[]): SQL {
  // json, not jsonb: PostgreSQL only checks json text, where jsonb would rebuild it in binary form
  return sql`insert into request_log (id, at, key_id, requested_model, served_model, rule, outcome, status, error_kind, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, attempts, decision)
    select id, at, "keyId", "requestedModel", "servedModel", rule, outcome, status, "errorKind", coalesce(stream, false), "latencyMs", "ttftMs", "promptTokens", "completionTokens", "costUsd", attempts::text, decision::text
    from json_to_recordset(${serialise(batch)}::json) as row(id text, at timestamptz, "keyId" text, "requestedModel" text, "servedModel" text, rule text, outcome text, status int, "errorKind" text, stream boolean, "latencyMs" float8, "ttftMs" float8, "promptTokens" int, "completionTokens" int, "costUsd" float8, attempts json, decision json)
    on conflict (id) do nothing`;
}

/** Runs in the batch, not the request: reading a decision's candidates builds its explanation. */
function serialise(batch: Row[]): string {
  return JSON.stringify(batch, (key, value: unknown) => (key === 'decision' && value && typeof value === 'object' ? loggedDecision(value as Decision) : value));
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
