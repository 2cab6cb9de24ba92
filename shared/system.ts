import { z } from 'zod';

/** Schemas of the API's keys, health and system bodies. */

/** `admin` manages the registry and reads everything; `invoke` may only call models; `metrics` may only read figures (/metrics, metrics.*). */
export const SCOPES = ['admin', 'invoke', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

export const whoamiSchema = z.object({ keyId: z.string(), name: z.string(), scopes: z.array(z.enum(SCOPES)) });

/** An API key as every endpoint shows it: never the key, only its first characters. */
export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  rateLimitPerMinute: z.number().int().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyView = z.output<typeof apiKeyViewSchema>;

/** keys.create: the key itself, shown this once, and its view. */
export const createdKeySchema = z.object({ key: z.string(), view: apiKeyViewSchema });

export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** One model's circuit, live latency and error rate, as routing sees them now. */
export const modelHealthSchema = z.object({
  modelId: z.string(),
  circuit: z.enum(CIRCUIT_STATES),
  /** the median of the model's most recent calls (the newest seconds holding 5, within the last 30 s), ms */
  p50LatencyMs: z.number().nullable(),
  ttftP50Ms: z.number().nullable(),
  /** how old the newest call behind the latency figures is, ms: past 30 s the figure is the last one seen */
  latencyAgeMs: z.number().nullable(),
  /** due a probe: the next request routing may send it goes to it first (circuit half-open, or latency stale) */
  probe: z.enum(['circuit', 'latency']).nullable(),
  /** 0-1 over the breaker's window */
  errorRate: z.number().nullable(),
});

export const systemInfoSchema = z.object({
  version: z.string(),
  driver: z.enum(['pglite', 'postgres']),
  registryVersion: z.number().int(),
  models: z.number().int(),
  startedAt: z.string(),
  /** only the demo models can serve, so they take `auto` traffic (the console's banner) */
  demoMode: z.boolean(),
  demoModels: z.array(z.string()),
  /** whether Grove sends itself demo traffic while in demo mode (GROVE_DEMO_TRAFFIC) */
  demoTraffic: z.boolean(),
});

/** system.settings: what the console shows about settings that live in the server's environment. */
export const systemSettingsSchema = z.object({
  retention: z.object({
    /** metric rollups older than this are deleted, and queries may not reach further back */
    metricsDays: z.number().int(),
    /** request-log rows (decisions, per-request cost) older than this are deleted */
    requestLogDays: z.number().int(),
    /** read once at start: changed by setting the variables and restarting */
    source: z.literal('environment'),
    variables: z.object({ metricsDays: z.string(), requestLogDays: z.string() }),
  }),
});

/** One entry of the audit log: who did what; `detail` is the action's own JSON. */
export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  kind: z.string().nullable(),
  objectId: z.string().nullable(),
  revision: z.number().int().nullable(),
  detail: z.json().nullable(),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** One Grove process on the fleet's database, as its heartbeat tells. */
export const fleetMemberSchema = z.object({
  instanceId: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  version: z.string(),
  startedAt: z.string(),
  /** the database's time of its last heartbeat */
  lastSeenAt: z.string(),
  /** the instance that answered */
  self: z.boolean(),
});

export const fleetSchema = z.object({
  /** live instances; each enforces 1/size of every key's rate limit */
  size: z.number().int().positive(),
  heartbeatMs: z.number().int().positive(),
  instances: z.array(fleetMemberSchema),
});
