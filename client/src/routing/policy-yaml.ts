import { stringify } from 'yaml';
import { API_VERSION } from '../../../shared/objects';
import { routingPolicyObjectInputSchema } from '../../../shared/policy';
import { pathOf, type Problem } from '../wizard/draft';
import { parseYamlObject } from '../wizard/yaml-source';
import { toEdit, type PolicyEdit, type RuleInput } from './policy-edit';

/** The editor saves the policy in force, which is the one with this id. */
export const POLICY_ID = 'default';

const RULE_KEYS = ['name', 'priority', 'when', 'route'];
const ROUTE_KEYS = ['strategy', 'weights', 'minimums', 'models', 'split', 'maxPricePer1M', 'maxLatencyMs', 'chainLength', 'fillChain'];
const CONDITION_KEYS = ['model', 'taskType', 'tags', 'promptTokens', 'apiKey', 'headers'];

function ordered(value: unknown, order: readonly string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => rank(a) - rank(b)));
}

const orderedRoute = (route: unknown) => ordered(route, ROUTE_KEYS);
const orderedRule = (rule: RuleInput) => {
  const keyed = ordered(rule, RULE_KEYS) as Record<string, unknown>;
  return { ...keyed, when: ordered(rule.when, CONDITION_KEYS), route: orderedRoute(rule.route) };
};

/** The edited policy as `grove apply -f` takes it, keys in the order docs/routing-policy.md uses. */
export function policyToYaml(edit: PolicyEdit): string {
  return stringify({ apiVersion: API_VERSION, kind: 'RoutingPolicy', metadata: { id: POLICY_ID }, spec: { rules: edit.rules.map(orderedRule), default: orderedRoute(edit.default) } });
}

/** A spec as the revision history shows it, in the same key order as the editor's YAML. */
export function specYamlLines(spec: { rules?: RuleInput[]; default: unknown }): string[] {
  return stringify({ rules: (spec.rules ?? []).map(orderedRule), default: orderedRoute(spec.default) }).trimEnd().split('\n');
}

/**
 * Problems that leave the value in the shape the form edits (a number out of range, a name that
 * breaks a pattern, a range no count satisfies): such YAML still reaches the form, where each
 * problem is shown beside its field. A wrong type or an unknown key does not fit a form field;
 * the form keeps its last good state and the YAML view lists why.
 */
const VALUE_ONLY_CODES = new Set(['too_big', 'too_small', 'invalid_format', 'not_multiple_of', 'custom', 'invalid_key']);

export type PolicyYamlReading = { edit: PolicyEdit | null; problems: Problem[] };

/** Reads the YAML view: unknown or misspelled keys are refused with their path, never dropped. */
export function readPolicyYaml(text: string): PolicyYamlReading {
  const { object: value, problem } = parseYamlObject(text, 'RoutingPolicy');
  if (problem) return { edit: null, problems: [problem] };
  const parsed = routingPolicyObjectInputSchema.safeParse(value);
  const problems: Problem[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
  const object = value as { metadata?: { id?: unknown }; spec?: Parameters<typeof toEdit>[0] };
  if (object.metadata?.id !== undefined && object.metadata.id !== POLICY_ID) {
    problems.push({ path: 'metadata.id', message: `this page edits the policy in force, "${POLICY_ID}"; apply other policies with grove apply` });
  }
  const fitsTheForm = parsed.success || parsed.error.issues.every((issue) => VALUE_ONLY_CODES.has(issue.code));
  return { edit: fitsTheForm && object.spec ? toEdit(object.spec) : null, problems };
}
