import { z } from 'zod';
import { describedAs } from '../../shared/described-as';
import { objectId } from '../../shared/objects';
import {
  alertRuleObjectSchema,
  alertRuleSpecInputSchema,
  alertsListOutputSchema,
  testWebhookInputSchema,
  testWebhookOutputSchema,
  type AlertRuleObject,
  type AlertTransition,
  type WebhookInput,
} from '../../shared/alerts';
import { GroveError, invalid, type Problem } from '../errors';
import type { WebhookTarget } from '../alerts/webhook-sender';
import type { Services } from '../services';
import { adminProcedure, metricsProcedure, router } from '../trpc';

/**
 * Alert state (this instance's evaluation of every AlertRule, live: sent with no-store) and the
 * webhook test the console's button calls. The rules themselves are GroveObjects: applied with
 * the others (objects.applyAll), or one at a time here (rules, put, delete), as the console's form does.
 */
export const alertsRouter = router({
  list: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/alerts', tags: ['alerts'], protect: true, summary: 'Every alert rule with its current state, and the latest fires and resolves' } })
    .input(z.object({}).optional())
    .output(alertsListOutputSchema)
    .query(({ ctx }) => ctx.services.alerts.list()),

  /** The AlertRule objects themselves (webhook header values redacted), by id: what the form edits. */
  rules: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/alert-rules', tags: ['alerts'], protect: true, summary: 'List alert rules' } })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(alertRuleObjectSchema) }))
    .query(({ ctx }) => ({ items: ctx.services.registry.list('AlertRule').sort((a, b) => (a.metadata.id < b.metadata.id ? -1 : 1)) })),

  /** Creates or replaces a rule; `revision` (when the rule exists) must be the one the caller read. */
  put: adminProcedure
    .meta({ openapi: { method: 'PUT', path: '/v1/alert-rules/{id}', tags: ['alerts'], protect: true, summary: 'Create or replace an alert rule' } })
    // the registry lists every problem of the spec, the unknown model among them (server/registry/alert-kind.ts)
    .input(z.object({ id: objectId, revision: z.number().int().positive().optional(), spec: describedAs(alertRuleSpecInputSchema), metadata: z.object({ title: z.string().optional(), description: z.string().optional() }).optional() }))
    .output(alertRuleObjectSchema)
    .mutation(({ ctx, input }) => {
      const object = { apiVersion: 'grove/v1', kind: 'AlertRule', metadata: { id: input.id, ...input.metadata }, spec: input.spec };
      const exists = ctx.services.registry.list('AlertRule').find((rule) => rule.metadata.id === input.id);
      if (!exists) return ctx.services.registry.create(ctx.principal.keyId, object, 'AlertRule');
      if (input.revision === undefined) throw new GroveError('CONFLICT', `AlertRule "${input.id}" exists: name the revision you read (revision: ${String(exists.status.revision)}) to replace it`);
      return ctx.services.registry.update(ctx.principal.keyId, 'AlertRule', input.id, input.revision, object);
    }),

  delete: adminProcedure
    .meta({ openapi: { method: 'DELETE', path: '/v1/alert-rules/{id}', tags: ['alerts'], protect: true, summary: 'Delete an alert rule (names the revision it read)' } })
    .input(z.object({ id: objectId, revision: z.coerce.number().int().positive() }))
    .output(z.object({ deleted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.registry.remove(ctx.principal.keyId, 'AlertRule', input.id, input.revision);
      return { deleted: true };
    }),

  testWebhook: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/v1/alerts/test-webhook', tags: ['alerts'], protect: true, summary: 'Send a sample alert to a webhook once (no retry) and report what the target answered' } })
    .input(testWebhookInputSchema)
    .output(testWebhookOutputSchema)
    .mutation(async ({ ctx, input }) => {
      const rule = input.id === undefined ? undefined : ctx.services.registry.get('AlertRule', input.id);
      const target = webhookTarget(ctx.services, rule, input.webhook);
      const { delivered, status, error, durationMs } = await ctx.services.webhooks.send(target, { ...sample(rule), test: true });
      return { delivered, status, error, durationMs };
    }),
});

function webhookTarget(services: Services, rule: AlertRuleObject | undefined, given: WebhookInput | undefined): WebhookTarget {
  const stored = rule ? (services.registry.snapshot.webhookHeaders.get(rule.metadata.id) ?? {}) : {};
  if (!given) {
    if (!rule?.spec.webhook) throw new GroveError('BAD_REQUEST', `AlertRule "${rule?.metadata.id}" has no webhook`);
    return { url: rule.spec.webhook.url, headers: stored };
  }
  const headers: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(given.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
    else if ('value' in value) headers[name] = value.value;
    else if ('env' in value) {
      const fromEnv = services.config.env[value.env];
      if (fromEnv) headers[name] = fromEnv;
    } else if (stored[name] !== undefined) headers[name] = stored[name];
    else problems.push({ path: `webhook.headers.${name}`, message: rule ? `AlertRule "${rule.metadata.id}" stores no value for it` : 'no stored value to keep: give the id of the AlertRule that stores it, or the value' });
  }
  if (problems.length) throw invalid(problems, 'invalid webhook');
  return { url: given.url, headers };
}

/** What a real alert of this rule would send, marked `test: true`. */
function sample(rule: AlertRuleObject | undefined): AlertTransition {
  const spec = rule?.spec;
  return {
    alert: rule?.metadata.id ?? 'webhook-test',
    state: 'firing',
    metric: spec?.metric ?? 'error_rate',
    model: spec?.model ?? null,
    value: spec?.threshold ?? 0,
    threshold: spec?.threshold ?? 0,
    at: new Date().toISOString(),
  };
}
