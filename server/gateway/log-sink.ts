import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * A batch of request-log rows, as three texts: the rows' scalar columns as one JSON array, and
 * their attempts and decisions (JSON each) joined by newlines, which JSON text never contains raw.
 */
export interface LogBatch {
  rows: string;
  attempts: string;
  decisions: string;
}

/** Where batches go. `write` resolves once the batch is stored and rejects if it is lost. */
export interface BatchSink {
  write(batch: LogBatch): Promise<void>;
}

/**
 * One statement, three parameters, whatever the batch size (binding 17 parameters per row is what
 * made multi-row inserts slow on PGlite). PostgreSQL parses only the scalar columns as JSON and
 * zips them with the attempts and decisions, split as plain text: parsing every decision's JSON
 * again cost the database more than the rest of the row (a decision is only ever read whole).
 */
const INSERT_BATCH = sql.raw(`insert into request_log (id, at, key_id, requested_model, served_model, rule, outcome, status, error_kind, stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, attempts, decision)
  select id, to_timestamp(at / 1000.0), "keyId", "requestedModel", "servedModel", rule, outcome, status, "errorKind", coalesce(stream, false), "latencyMs", "ttftMs", "promptTokens", "completionTokens", "costUsd", attempts, decision
  from rows from (
    json_to_recordset(`);
const ATTEMPTS = sql.raw(`::text::json) as (id text, at float8, "keyId" text, "requestedModel" text, "servedModel" text, rule text, outcome text, status int, "errorKind" text, stream boolean, "latencyMs" float8, "ttftMs" float8, "promptTokens" int, "completionTokens" int, "costUsd" float8),
    unnest(string_to_array(`);
const DECISIONS = sql.raw(`::text, E'\\n')),
    unnest(string_to_array(`);
const END = sql.raw(`::text, E'\\n'))
  ) as row(id, at, "keyId", "requestedModel", "servedModel", rule, outcome, status, "errorKind", stream, "latencyMs", "ttftMs", "promptTokens", "completionTokens", "costUsd", attempts, decision)
  on conflict (id) do nothing`);

/** Writes through the server's own connection pool (PostgreSQL) or embedded PGlite. */
export function databaseSink(db: Database): BatchSink {
  return {
    async write(batch) {
      await db.execute(sql.join([INSERT_BATCH, sql`${batch.rows}`, ATTEMPTS, sql`${batch.attempts}`, DECISIONS, sql`${batch.decisions}`, END]));
    },
  };
}
