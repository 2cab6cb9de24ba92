import { z } from 'zod';
import { API_VERSION, metadataSchema, objectEnvelope, objectId, secretInputSchema, secretViewSchema, statusSchema } from './objects';

/**
 * AlertRule: a condition on the live figures of one model (or of all of them together), evaluated
 * every second; fire and resolve are events, and a webhook may be told. Field names are a public
 * contract (users' YAML files depend on them).
 */

export const ALERT_METRICS = ['p95_latency_ms', 'error_rate', 'failover_rate', 'cost_per_hour_usd', 'circuit_open'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export const COMPARATORS = ['>', '>=', '<', '<='] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** The live window the aggregator keeps (seconds): a rule cannot look further back than that. */
export const MAX_ALERT_WINDOW_SECONDS = 60;

/** Headers Grove sets itself on a webhook call, which a rule may not replace. */
const RESERVED_HEADERS = ['host', 'content-type', 'content-length', 'transfer-encoding', 'connection'];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** What is wrong with a webhook header's name, if anything (the console checks a row with it, too). */
export function headerNameProblem(name: string): string | null {
  if (!HEADER_NAME.test(name)) return 'must be an HTTP header name';
  if (RESERVED_HEADERS.includes(name.toLowerCase())) return 'is set by Grove';
  return null;
}

const webhookUrl = z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).max(2000);

/**
 * A header's value is a secret (it often carries a token): given as text or `{ value }` it is
 * stored encrypted, `{ env: NAME }` is read from the server's environment, and `{ set: true }`
 * (what export prints) keeps the value stored.
 */
export const webhookInputSchema = z
  .object({
    url: webhookUrl,
    headers: z
      .record(z.string(), z.union([z.string().min(1, 'must not be empty').max(4096), secretInputSchema]))
      // checked here rather than as the record's key schema, whose refusal names no reason
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers)) {
          const problem = headerNameProblem(name);
          if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
        }
      })
      .optional(),
  })
  .strict();
export type WebhookInput = z.input<typeof webhookInputSchema>;

const webhookViewSchema = z.object({ url: z.string(), headers: z.record(z.string(), secretViewSchema).optional() }).strict();

const alertRuleSpecFields = {
  metric: z.enum(ALERT_METRICS, { message: `must be one of ${ALERT_METRICS.join(', ')}` }),
  /** absent: all models together */
  model: objectId.optional(),
  comparator: z.enum(COMPARATORS, { message: `must be one of ${COMPARATORS.join(' ')}` }),
  threshold: z.number().min(0, 'must be at least 0: no metric is negative').max(1e12),
  windowSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(MAX_ALERT_WINDOW_SECONDS, `must be at most ${MAX_ALERT_WINDOW_SECONDS} seconds (the live window)`)
    .default(60),
  forSeconds: z.number().int('must be a whole number of seconds').min(0, 'must not be negative').max(86_400).default(0),
};

const evenIfInvalid = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

export const alertRuleSpecInputSchema = z
  .object({ ...alertRuleSpecFields, webhook: webhookInputSchema.optional() })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.metric === 'error_rate' && typeof spec.threshold === 'number' && spec.threshold > 1) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'error_rate is a fraction from 0 to 1 (0.2 is 20%)' });
    }
  }, evenIfInvalid);
export type AlertRuleSpecInput = z.input<typeof alertRuleSpecInputSchema>;

/** The spec as the server returns it: webhook header values redacted. */
export const alertRuleSpecViewSchema = z.object({ ...alertRuleSpecFields, webhook: webhookViewSchema.optional() }).strict();
export type AlertRuleSpec = z.output<typeof alertRuleSpecViewSchema>;

export const alertRuleObjectInputSchema = z.object({ ...objectEnvelope, kind: z.literal('AlertRule'), spec: alertRuleSpecInputSchema }).strict();

/** An AlertRule as every endpoint returns it. */
export const alertRuleObjectSchema = z
  .object({ apiVersion: z.literal(API_VERSION), kind: z.literal('AlertRule'), metadata: metadataSchema, spec: alertRuleSpecViewSchema, status: statusSchema })
  .meta({ id: 'AlertRule' });
export type AlertRuleObject = z.output<typeof alertRuleObjectSchema>;

/** ok: the condition does not hold; pending: it holds, not yet for `forSeconds`; firing. */
export const ALERT_STATES = ['ok', 'pending', 'firing'] as const;
export type AlertStateName = (typeof ALERT_STATES)[number];

/** One fire or resolve, as the events, the history and the webhook tell it. */
export const alertTransitionSchema = z.object({
  alert: z.string(),
  state: z.enum(['firing', 'resolved']),
  metric: z.enum(ALERT_METRICS),
  /** null: the rule covers every model */
  model: z.string().nullable(),
  /** the figure that crossed (or came back over) the threshold; null when the window had no traffic */
  value: z.number().nullable(),
  threshold: z.number(),
  /** ISO 8601 */
  at: z.string(),
});
export type AlertTransition = z.output<typeof alertTransitionSchema>;

/** A fire or resolve in the history: which instance's traffic it was (several on one PostgreSQL). */
export const alertHistoryEntrySchema = alertTransitionSchema.extend({ instance: z.string() });
export type AlertHistoryEntry = z.output<typeof alertHistoryEntrySchema>;

export const alertStatusSchema = z.object({
  alert: z.string(),
  metric: z.enum(ALERT_METRICS),
  model: z.string().nullable(),
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  windowSeconds: z.number(),
  forSeconds: z.number(),
  state: z.enum(ALERT_STATES),
  /** the figure at the last evaluation; null when the window had no traffic (the condition does not hold) */
  value: z.number().nullable(),
  /** when the state last changed (ISO 8601); null: never evaluated yet */
  since: z.string().nullable(),
  /**
   * Every instance where the rule fires now, this one included: each instance judges its own
   * traffic, and on PostgreSQL tells the others (LISTEN/NOTIFY).
   */
  firingOn: z.array(z.object({ instance: z.string(), value: z.number().nullable(), since: z.string() })),
});

export const alertsListOutputSchema = z.object({
  /** every rule with its current state, by id */
  items: z.array(alertStatusSchema),
  /** the instance that answered */
  instance: z.string(),
  /** the latest fires and resolves, of this instance and its peers, newest first (bounded) */
  history: z.array(alertHistoryEntrySchema),
});

/**
 * A sample alert sent to a webhook: a stored rule's (`id`), or one being edited (`webhook`, whose
 * `{ set: true }` header values are the stored rule's when `id` names it).
 */
export const testWebhookInputSchema = z
  .object({ id: objectId.optional(), webhook: webhookInputSchema.optional() })
  .strict()
  .refine((input) => input.id !== undefined || input.webhook !== undefined, { message: 'give the id of an AlertRule, a webhook, or both' });

export const testWebhookOutputSchema = z.object({
  delivered: z.boolean(),
  /** the target's HTTP status; null when no answer came (refused, timed out) */
  status: z.number().nullable(),
  /** why it was not delivered */
  error: z.string().nullable(),
  durationMs: z.number(),
});
