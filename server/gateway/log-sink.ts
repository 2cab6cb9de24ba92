import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * Where batches of request-log rows go: one JSON array text per batch, each element a row in the
 * shape INSERT_BATCH unpacks. `write` resolves once the batch is stored and rejects if it is lost.
 */
export interface BatchSink {
  write(rows: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One statement, one parameter: the batch as a JSON array, unpacked by PostgreSQL. Binding 17
 * parameters per row is what made multi-row inserts slow on PGlite. json, not jsonb: PostgreSQL
 * only checks json text, where jsonb would rebuild it in binary form.
 */
const INSERT_BATCH = `insert into request_log (id, at, key_id, requested_model, served_model, rule, outcome, status, error_kind, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, attempts, decision)
  select id, to_timestamp(at / 1000.0), "keyId", "requestedModel", "servedModel", rule, outcome, status, "errorKind", coalesce(stream, false), "latencyMs", "ttftMs", "promptTokens", "completionTokens", "costUsd", attempts::text, decision::text
  from json_to_recordset($1::text::json) as row(id text, at float8, "keyId" text, "requestedModel" text, "servedModel" text, rule text, outcome text, status int, "errorKind" text, stream boolean, "latencyMs" float8, "ttftMs" float8, "promptTokens" int, "completionTokens" int, "costUsd" float8, attempts json, decision json)
  on conflict (id) do nothing`;

/** Writes through the server's own connection: embedded PGlite, which lives in this thread anyway. */
export function databaseSink(db: Database): BatchSink {
  const [before, after] = INSERT_BATCH.split('$1');
  return {
    async write(rows) {
      await db.execute(sql.join([sql.raw(before!), sql`${rows}`, sql.raw(after!)]));
    },
    async close() {},
  };
}
