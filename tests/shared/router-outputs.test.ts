import type { inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter } from '../../server/router';
import type { EventsFeedItem, LiveFeedItem } from '../../shared/feeds';
import type { ExplainedDecision, ExclusionReason, LoggedDecision, LoggedRequest, LoggedRequestWithDecision } from '../../shared/decision';
import type { CapabilityObject, Lifecycle, ModelObject, ModelSpec } from '../../shared/objects';
import type { RoutingPolicyObject, RoutingPolicySpec } from '../../shared/policy';
import type { AlertRuleObject } from '../../shared/alerts';

/**
 * Types flow to the client: what inferRouterOutputs gives the console for each procedure is the
 * schema in shared/ the server validates its output with, with no `unknown` or `any` anywhere in
 * it. Checked by the compiler (npx tsc), which runs these assertions; at run time they are no-ops.
 */
type Outputs = inferRouterOutputs<AppRouter>;

/** true when `unknown` or `any` hides anywhere in T (a field, an element, a record's values). */
type HasUnknown<T> = unknown extends T
  ? true
  : T extends readonly (infer Element)[]
    ? HasUnknown<Element>
    : T extends object
      ? true extends { [Key in keyof T]-?: HasUnknown<T[Key]> }[keyof T]
        ? true
        : false
      : false;

/** what a subscription hands the client's onData */
type Yielded<T> = T extends AsyncIterable<infer Item> ? Item : never;

describe('router outputs', () => {
  it('models: the Model view, spec and history included', () => {
    expectTypeOf<Outputs['models']['get']>().toEqualTypeOf<ModelObject>();
    expectTypeOf<Outputs['models']['list']['items'][number]>().toEqualTypeOf<ModelObject>();
    expectTypeOf<Outputs['models']['transition']>().toEqualTypeOf<ModelObject>();
    expectTypeOf<Outputs['models']['get']['spec']['lifecycle']>().toEqualTypeOf<Lifecycle>();
    expectTypeOf<Outputs['models']['history']['items'][number]['spec']>().toEqualTypeOf<ModelSpec>();
    expectTypeOf<HasUnknown<Outputs['models']>>().toEqualTypeOf<false>();
    expectTypeOf<Outputs['capabilities']['list']['items'][number]>().toEqualTypeOf<CapabilityObject>();
  });

  it('decisions: one LoggedDecision schema from the writer to the console', () => {
    expectTypeOf<Outputs['decisions']['get']>().toEqualTypeOf<LoggedRequestWithDecision>();
    expectTypeOf<Outputs['decisions']['get']['decision']>().toEqualTypeOf<LoggedDecision>();
    expectTypeOf<Outputs['decisions']['list']['items'][number]>().toEqualTypeOf<LoggedRequest>();
    expectTypeOf<NonNullable<Outputs['decisions']['get']['decision']['candidates'][number]['excluded']>['reason']>().toEqualTypeOf<ExclusionReason>();
    expectTypeOf<HasUnknown<Outputs['decisions']>>().toEqualTypeOf<false>();
  });

  it('explain: the explained decision and the refusal', () => {
    expectTypeOf<Outputs['route']['explain']['decision']>().toEqualTypeOf<ExplainedDecision>();
    expectTypeOf<NonNullable<Outputs['route']['explain']['refusal']>>().toEqualTypeOf<{ status: number; code: string | null; message: string }>();
    expectTypeOf<HasUnknown<Outputs['route']>>().toEqualTypeOf<false>();
  });

  it('health: circuit states, not strings', () => {
    expectTypeOf<Outputs['health']['models']['items'][number]['circuit']>().toEqualTypeOf<'closed' | 'open' | 'half-open'>();
    expectTypeOf<HasUnknown<Outputs['health']>>().toEqualTypeOf<false>();
  });

  it('policies: the RoutingPolicy view and the built-in default', () => {
    expectTypeOf<Outputs['policies']['get']>().toEqualTypeOf<RoutingPolicyObject>();
    expectTypeOf<Outputs['policies']['put']>().toEqualTypeOf<RoutingPolicyObject>();
    expectTypeOf<Outputs['policies']['list']['builtinDefault']>().toEqualTypeOf<RoutingPolicySpec>();
    expectTypeOf<Outputs['policies']['list']['inForce']>().toEqualTypeOf<'default' | 'builtin'>();
    expectTypeOf<Outputs['policies']['history']['items'][number]['spec']>().toEqualTypeOf<RoutingPolicySpec>();
    expectTypeOf<HasUnknown<Outputs['policies']>>().toEqualTypeOf<false>();
  });

  it('alerts: states and transitions from shared/alerts, and AlertRule in the object views', () => {
    expectTypeOf<Outputs['alerts']['list']['items'][number]['state']>().toEqualTypeOf<'ok' | 'pending' | 'firing'>();
    expectTypeOf<Outputs['alerts']['list']['history'][number]['state']>().toEqualTypeOf<'firing' | 'resolved'>();
    expectTypeOf<HasUnknown<Outputs['alerts']>>().toEqualTypeOf<false>();
    expectTypeOf<Extract<Outputs['objects']['get'], { kind: 'AlertRule' }>>().toEqualTypeOf<AlertRuleObject>();
    expectTypeOf<HasUnknown<Outputs['objects']['export']>>().toEqualTypeOf<false>();
  });

  it('the rest of what the console reads', () => {
    expectTypeOf<HasUnknown<Outputs['system']['info']>>().toEqualTypeOf<false>();
    expectTypeOf<HasUnknown<Outputs['auth']>>().toEqualTypeOf<false>();
    expectTypeOf<HasUnknown<Outputs['keys']>>().toEqualTypeOf<false>();
    expectTypeOf<Outputs['system']['info']['driver']>().toEqualTypeOf<'pglite' | 'postgres'>();
  });

  it('the live feeds: each item is its id and the shared schema\'s item', () => {
    expectTypeOf<Yielded<Outputs['events']['feed']>>().toEqualTypeOf<{ id: string; data: EventsFeedItem }>();
    expectTypeOf<Yielded<Outputs['metrics']['liveFeed']>>().toEqualTypeOf<{ id: string; data: LiveFeedItem }>();
    expectTypeOf<HasUnknown<Yielded<Outputs['events']['feed']>>>().toEqualTypeOf<false>();
    expectTypeOf<HasUnknown<Yielded<Outputs['metrics']['liveFeed']>>>().toEqualTypeOf<false>();
  });

  it('the check itself finds unknown, any and loose records', () => {
    expectTypeOf<HasUnknown<{ a: { b: unknown } }>>().toEqualTypeOf<true>();
    expectTypeOf<HasUnknown<{ a: Array<Record<string, unknown>> }>>().toEqualTypeOf<true>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the case under test
    expectTypeOf<HasUnknown<{ a?: any }>>().toEqualTypeOf<true>();
    expectTypeOf<HasUnknown<{ a?: { b: Record<string, number>; c: string[] | null } }>>().toEqualTypeOf<false>();
  });
});
