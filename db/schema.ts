import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One table for every kind of GroveObject: the registry, the policies, the alert rules and the
 * declared capabilities share versioning, audit and apply, so they share storage too.
 * `spec` holds secrets only in encrypted form (see server/secrets.ts).
 */
export const objects = pgTable(
  'objects',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    metadata: jsonb('metadata').notNull(),
    spec: jsonb('spec').notNull(),
    revision: integer('revision').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.kind, table.id] })],
);

/** Immutable: one row per change of an object, deletes included (`action = 'delete'`). */
export const revisions = pgTable(
  'revisions',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    objectId: text('object_id').notNull(),
    revision: integer('revision').notNull(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    metadata: jsonb('metadata').notNull(),
    spec: jsonb('spec').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('revisions_object_revision').on(table.kind, table.objectId, table.revision)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    kind: text('kind'),
    objectId: text('object_id'),
    revision: integer('revision'),
    detail: jsonb('detail'),
  },
  (table) => [index('audit_log_object').on(table.kind, table.objectId)],
);

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** sha-256 of the whole key; keys are 190 bits of randomness, so a fast hash is enough */
  hash: text('hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  scopes: text('scopes').array().notNull(),
  rateLimitPerMinute: integer('rate_limit_per_minute'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
});

/** Decision provenance: one row per routed request, written in batches off the hot path. */
export const requestLog = pgTable(
  'request_log',
  {
    id: text('id').primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    keyId: text('key_id'),
    requestedModel: text('requested_model').notNull(),
    servedModel: text('served_model'),
    rule: text('rule'),
    outcome: text('outcome').notNull(),
    status: integer('status').notNull(),
    errorKind: text('error_kind'),
    stream: boolean('stream').notNull().default(false),
    latencyMs: doublePrecision('latency_ms').notNull(),
    ttftMs: doublePrecision('ttft_ms'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    costUsd: doublePrecision('cost_usd'),
    /**
     * JSON text, not jsonb: written for every request, read by id. Embedded PGlite parses jsonb
     * several times slower than it copies text, and no query looks inside these columns.
     */
    attempts: text('attempts').notNull(),
    decision: text('decision').notNull(),
  },
  (table) => [
    index('request_log_at').on(table.at),
    index('request_log_served_model_at').on(table.servedModel, table.at),
    index('request_log_outcome_at').on(table.outcome, table.at),
  ],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().default(sql`now()`),
});

/**
 * One row: a counter that every change to `objects` or `api_keys` bumps in its own transaction (a
 * trigger, see migration 0001), so that an instance can tell whether its snapshots are behind the
 * database — a notice lost while its LISTEN connection was down shows as a newer version.
 */
export const changeVersion = pgTable('change_version', {
  id: integer('id').primaryKey().default(1),
  version: bigint('version', { mode: 'bigint' }).notNull().default(sql`0`),
});
