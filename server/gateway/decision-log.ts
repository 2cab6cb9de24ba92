import { and, desc, eq, gte, ilike, like, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client';
import { requestLog } from '../../db/schema';
import type { Attempt, LoggedDecision, LoggedRequest, LoggedRequestWithDecision } from '../../shared/decision';
import { GroveError } from '../errors';
import type { RequestLogWriter } from './request-log';

/**
 * Reading the request log: what is written, never more. A read does not flush the writer (a
 * console polling every second would turn its batches into one statement per request); a
 * decision the writer still holds is waited for, a bounded time.
 */

/** How long decisions.get waits for a decision still in the writer: past its next batch (intervalMs, 250 ms by default). */
export const FRESH_DECISION_WAIT_MS = 1_000;

export interface DecisionQuery {
  /** a model that served, or was attempted and did not (failed over from, or failed) */
  model?: string;
  outcome?: string;
  /** the matched rule's name */
  rule?: string;
  keyId?: string;
  requestedModel?: string;
  /** a decision id prefix, or part of a model's (requested or served) or rule's name */
  search?: string;
  since?: string;
  until?: string;
  /** where the previous page ended (nextCursor of its answer): this page lists what is older */
  cursor?: DecisionCursor;
  limit: number;
}

/** The last row of a page. Rows are ordered by time, then id, newest first: ties in `at` keep their order across pages. */
export interface DecisionCursor {
  at: string;
  id: string;
}

export interface DecisionPage {
  items: LoggedRequest[];
  /** null: nothing older matches */
  nextCursor: DecisionCursor | null;
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

type Row = Omit<typeof requestLog.$inferSelect, 'decision' | 'attemptedModels'>;

/** A row as the API lists it; its JSON columns were written from these types (./log-sink.ts). */
function toLoggedRequest(row: Row): LoggedRequest {
  return { ...row, at: new Date(row.at).toISOString(), outcome: row.outcome as LoggedRequest['outcome'], attempts: JSON.parse(row.attempts) as Attempt[] };
}

/** LIKE's own wildcards in text a person typed match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A page of the request log, newest first. Every filter is an equality or a range that the
 * (served_model, at), attempted_models, (outcome, at) and (at) indexes serve; the search is a filter
 * on the rows the time order walks, so a page reads its rows and stops (checked with EXPLAIN in
 * tests/gateway/decision-list.test.ts).
 */
export async function listDecisions(db: Database, query: DecisionQuery): Promise<DecisionPage> {
  const rows = await decisionPageQuery(db, query);
  const items = rows.slice(0, query.limit).map(toLoggedRequest);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? { at: last.at, id: last.id } : null };
}

/** The statement behind a page, on its own so that its plan can be checked (EXPLAIN). */
export function decisionPageQuery(db: Database, query: DecisionQuery) {
  const conditions: SQL[] = [];
  if (query.outcome) conditions.push(eq(requestLog.outcome, query.outcome));
  if (query.rule) conditions.push(eq(requestLog.rule, query.rule));
  if (query.keyId) conditions.push(eq(requestLog.keyId, query.keyId));
  if (query.requestedModel) conditions.push(eq(requestLog.requestedModel, query.requestedModel));
  if (query.since) conditions.push(gte(requestLog.at, query.since));
  if (query.until) conditions.push(lte(requestLog.at, query.until));
  if (query.search) {
    const pattern = escapeLike(query.search);
    conditions.push(
      or(
        like(requestLog.id, `${pattern}%`),
        ilike(requestLog.requestedModel, `%${pattern}%`),
        ilike(requestLog.servedModel, `%${pattern}%`),
        ilike(requestLog.rule, `%${pattern}%`),
        // a model failed over from, or skipped: found by its name as the served one is
        sql`array_to_string(${requestLog.attemptedModels}, ' ') ilike ${`%${pattern}%`}`,
      )!,
    );
  }
  if (query.cursor) {
    const { at, id } = query.cursor;
    conditions.push(or(lt(requestLog.at, at), and(eq(requestLog.at, at), lt(requestLog.id, id)))!);
  }
  // one row past the page tells whether there is an older one
  const page = (where: SQL[]) =>
    db
      .select(listColumns)
      .from(requestLog)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(requestLog.at), desc(requestLog.id))
      .limit(query.limit + 1);
  if (!query.model) return page(conditions);
  // A model's decisions are those it served and those it was attempted in and did not serve: two
  // pages merged, never an OR. The served ones walk the (served_model, at) index in time order and
  // stop at the page; the attempted ones (failovers and failures, a small part of the log) come
  // from the partial GIN index, whose predicate the query must repeat to use it. A row is in one
  // of the two at most (attemptedModels never holds the served model), so nothing is listed twice.
  return unionAll(
    page([...conditions, eq(requestLog.servedModel, query.model)]),
    page([...conditions, sql`${requestLog.attemptedModels} <> '{}'`, sql`${requestLog.attemptedModels} @> array[${query.model}]::text[]`]),
  )
    .orderBy(desc(requestLog.at), desc(requestLog.id))
    .limit(query.limit + 1);
}

export async function getDecision(db: Database, id: string): Promise<LoggedRequestWithDecision | undefined> {
  const [row] = await db
    .select({ ...listColumns, decision: requestLog.decision })
    .from(requestLog)
    .where(eq(requestLog.id, id));
  return row ? { ...toLoggedRequest(row), decision: JSON.parse(row.decision) as LoggedDecision } : undefined;
}

/**
 * One decision by id. A decision the writer still holds (its request ended a moment ago) is waited
 * for until the writer's own next batch, at most `waitMs`; then it is answered, or refused with a
 * 404 that says it is not written yet. An id the writer does not hold is answered at once.
 */
export async function readDecision(db: Database, writer: RequestLogWriter, id: string, waitMs = FRESH_DECISION_WAIT_MS): Promise<LoggedRequestWithDecision> {
  // asked before reading: a row written between the two is then found by the read
  const onItsWay = writer.holds(id);
  const row = await getDecision(db, id);
  if (row) return row;
  if (!onItsWay) throw new GroveError('NOT_FOUND', `no decision "${id}": a request's decision is logged once the request has ended`);
  await writer.whenSettled(id, waitMs);
  const written = await getDecision(db, id);
  if (written) return written;
  if (writer.holds(id)) throw new GroveError('NOT_FOUND', `decision "${id}" is not written yet: the request log writes in batches; ask again in a moment`);
  throw new GroveError('NOT_FOUND', `decision "${id}" was not logged: the request log dropped it (the server log says why)`);
}
