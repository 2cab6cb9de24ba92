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

/**
 * A change to a key bumps the change version (a trigger), so that instances reload their keys. The
 * trigger names the columns it watches (migration 0005, which leaves `last_used_at` out): a new
 * column that instances load must be added to it.
 */
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
  /**
   * When the key last authenticated a request on any instance, to within the usage writer's
   * interval (server/auth/key-usage.ts). Writing it does not bump the change version (migration
   * 0005): it is no part of what instances load.
   */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'string' }),
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
    /**
     * The models attempted that did not serve (failed, or skipped for an open circuit), so that a
     * model's decisions include those it failed over from. Never the served model: a decision is
     * found by a model through one of the two columns only. Empty for most requests, which the
     * partial index leaves out.
     */
    attemptedModels: text('attempted_models').array().notNull().default(sql`'{}'`),
  },
  (table) => [
    index('request_log_at').on(table.at),
    index('request_log_served_model_at').on(table.servedModel, table.at),
    index('request_log_attempted_models').using('gin', table.attemptedModels).where(sql`${table.attemptedModels} <> '{}'`),
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

/**
 * Metrics history: one model's requests with one key over a minute (`bucket_seconds` 60) or a
 * quarter hour (900, what long ranges read), as one instance counted them. Rows are only ever
 * added, never updated: several may cover the same bucket, model and key (the instances of a
 * fleet, a request counted after its minute was written), and readers add them up. `latency` and
 * `ttft` are HDR histograms as their non-empty buckets (server/telemetry/histogram.ts), so that a
 * range's percentiles come from merged histograms.
 */
export const metricRollups = pgTable(
  'metric_rollups',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    bucketStart: timestamp('bucket_start', { withTimezone: true, mode: 'string' }).notNull(),
    bucketSeconds: integer('bucket_seconds').notNull(),
    instanceId: text('instance_id').notNull(),
    modelId: text('model_id').notNull(),
    keyId: text('key_id').notNull(),
    requests: integer('requests').notNull(),
    errors: integer('errors').notNull(),
    failovers: integer('failovers').notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    costUsd: doublePrecision('cost_usd').notNull(),
    latency: text('latency').notNull(),
    ttft: text('ttft'),
  },
  (table) => [index('metric_rollups_bucket').on(table.bucketSeconds, table.bucketStart)],
);

/**
 * The fleet: one row per running Grove process on this database, refreshed by its heartbeat
 * (server/fleet/fleet.ts). `last_seen_at` is the database's clock, so that instances on hosts
 * whose clocks differ agree on who is alive. `open_rollups` is what the instance has counted but
 * not stored yet (open and buffered rollups, JSON), so that fleet figures are complete to within
 * a heartbeat.
 */
export const instances = pgTable('instances', {
  instanceId: text('instance_id').primaryKey(),
  hostname: text('hostname').notNull(),
  pid: integer('pid').notNull(),
  version: text('version').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }).notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'string' }).notNull().default(sql`now()`),
  openRollups: text('open_rollups').notNull().default('{}'),
});

/**
 * Circuit history: one row per change of a model's circuit on one instance (closed, open,
 * half-open), for the failover timeline. The breakers live in memory; these rows are written in
 * batches off the request path (server/telemetry/circuit-log.ts) and kept as long as the metric
 * rollups. `id` is made when the change happens, so that a query reading stored and still
 * buffered rows counts each once.
 */
export const circuitChanges = pgTable(
  'circuit_changes',
  {
    id: text('id').primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    instanceId: text('instance_id').notNull(),
    modelId: text('model_id').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason').notNull(),
  },
  (table) => [index('circuit_changes_at').on(table.at), index('circuit_changes_model_at').on(table.modelId, table.at)],
);
