import type { DatabaseHandle } from '../../db/client';
import type { RequestCompleted } from '../events';
import { loggedDecision } from './provenance';

/** Where batches of request-log rows go: COPY text (UTF-8), one row per line. Rejects if the batch is lost. */
export interface BatchSink {
  write(rows: Uint8Array<ArrayBuffer>): Promise<void>;
}

/** The request log's columns, in the order `copyLine` writes them. */
export const LOG_COLUMNS = [
  'id',
  'at',
  'key_id',
  'requested_model',
  'served_model',
  'rule',
  'outcome',
  'status',
  'error_kind',
  'stream',
  'latency_ms',
  'ttft_ms',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'attempts',
  'decision',
  'attempted_models',
] as const;

/**
 * Batches go in with COPY (PostgreSQL through its own connection, PGlite from a blob): the
 * database parses each row once, straight into the table, at about half the CPU per row of the
 * INSERT … SELECT FROM json_to_recordset it replaced, and Grove writes the rows as plain text.
 */
export function databaseSink(database: Pick<DatabaseHandle, 'copyIn'>): BatchSink {
  return { write: (rows) => database.copyIn('request_log', LOG_COLUMNS, rows) };
}

/**
 * One request as a line of COPY text. Text fields are escaped (backslash, tab, newline and
 * carriage return; NUL, which PostgreSQL text cannot hold, becomes U+FFFD); JSON has no raw control
 * characters, so only its backslashes are doubled. Numbers outside their column's type are null
 * rather than a reason to lose the batch.
 */
export function copyLine(event: RequestCompleted): string {
  return `${text(event.id)}\t${new Date(event.at).toISOString()}\t${text(event.keyId)}\t${text(event.requestedModel)}\t${text(event.servedModel)}\t${text(event.rule)}\t${text(event.outcome)}\t${int(event.status)}\t${text(event.errorKind)}\t${event.stream ? 't' : 'f'}\t${float(event.latencyMs)}\t${float(event.ttftMs)}\t${int(event.promptTokens)}\t${int(event.completionTokens)}\t${float(event.costUsd)}\t${json(JSON.stringify(event.attempts))}\t${json(JSON.stringify(loggedDecision(event.decision)))}\t${text(arrayLiteral(attemptedModels(event)))}\n`;
}

/** The models attempted that did not serve, each once: what finds a decision by a model it failed over from. */
export function attemptedModels(event: Pick<RequestCompleted, 'servedModel' | 'attempts'>): string[] {
  // a loop, not a Set: written for every request, and most have one attempt, the one that served
  const models: string[] = [];
  for (const { modelId } of event.attempts) if (modelId !== event.servedModel && !models.includes(modelId)) models.push(modelId);
  return models;
}

/** A text[] literal: every element quoted, so that no model id can be read as NULL or split. */
function arrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`).join(',')}}`;
}

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD' };

function text(value: string | null | undefined): string {
  if (value === undefined || value === null) return NULL;
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r\0]/g, (character) => ESCAPES[character]!) : value;
}

function json(value: string): string {
  return value.includes('\\') ? value.replaceAll('\\', '\\\\') : value;
}

function int(value: number | undefined): string {
  return value !== undefined && Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? String(value) : NULL;
}

/** float8 takes NaN and ±Infinity as JavaScript prints them */
function float(value: number | undefined): string {
  return typeof value === 'number' ? String(value) : NULL;
}
