import { routingPolicySpecSchema, validatePolicyAgainstRegistry, type CapabilityReference, type ModelReference, type RouteInput, type RoutingPolicySpecInput } from '../../../shared/policy';
import { pathOf, type Problem } from '../wizard/draft';

/**
 * The routing editor's state and its pure operations. The edited policy is kept in the shape the
 * server takes (shared/policy.ts), so the form, the YAML and the dry run all send the same object
 * and are validated by the server's own schema; nothing is translated twice.
 */
export type RuleInput = NonNullable<RoutingPolicySpecInput['rules']>[number];
export type ConditionInput = RuleInput['when'];
export interface PolicyEdit {
  /** highest priority first: the list order is the order the rules are tried in */
  rules: RuleInput[];
  default: RouteInput;
}

/** Priorities a new rule gets below the last one; a gap leaves room to insert by hand in YAML. */
const PRIORITY_STEP = 10;

/** Highest priority first (stable), as the router tries them; the list order the editor shows. */
export function toEdit(spec: RoutingPolicySpecInput): PolicyEdit {
  return { rules: [...(spec.rules ?? [])].sort((a, b) => b.priority - a.priority), default: spec.default };
}

/**
 * Moves a rule and renumbers: the rules keep the same set of priorities, handed out again from
 * the top, so that the list order and the order the router tries them never disagree.
 */
export function moveRule(edit: PolicyEdit, from: number, to: number): PolicyEdit {
  if (from === to || to < 0 || to >= edit.rules.length) return edit;
  const priorities = edit.rules.map((rule) => rule.priority).sort((a, b) => b - a);
  const rules = [...edit.rules];
  const [moved] = rules.splice(from, 1);
  rules.splice(to, 0, moved!);
  return { ...edit, rules: rules.map((rule, index) => ({ ...rule, priority: priorities[index]! })) };
}

/** A rule that matches every request, tried last, with a name no other rule has. */
export function addRule(edit: PolicyEdit): PolicyEdit {
  const names = new Set(edit.rules.map((rule) => rule.name));
  let number = edit.rules.length + 1;
  while (names.has(`rule-${number}`)) number++;
  const lowest = Math.min(...edit.rules.map((rule) => rule.priority));
  const priority = edit.rules.length === 0 ? 100 : lowest - PRIORITY_STEP;
  return { ...edit, rules: [...edit.rules, { name: `rule-${number}`, priority, when: {}, route: { strategy: 'capability' } }] };
}

export function removeRule(edit: PolicyEdit, index: number): PolicyEdit {
  return { ...edit, rules: edit.rules.filter((_rule, position) => position !== index) };
}

export function replaceRule(edit: PolicyEdit, index: number, rule: RuleInput): PolicyEdit {
  return { ...edit, rules: edit.rules.map((current, position) => (position === index ? rule : current)) };
}

export function toSpec(edit: PolicyEdit): RoutingPolicySpecInput {
  return { rules: edit.rules, default: edit.default };
}

/**
 * Every problem with the edited policy, as policies.put would list it (schema and registry), each
 * under the server's spelling of its path (`spec.rules[0].route.models[0]`).
 */
export function policyProblems(spec: unknown, models: readonly ModelReference[], capabilities: readonly CapabilityReference[]): Problem[] {
  return validatePolicyAgainstRegistry(spec, models, capabilities).map((problem) => ({ path: pathOf(['spec', ...problem.path]), message: problem.message }));
}

/** The problems at a path or below it (a field and its entries). */
export function problemsUnder(problems: readonly Problem[], path: string): Problem[] {
  return problems.filter((problem) => problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`));
}

/** What a field shows as its error: every message at or below its path, joined. */
export function fieldError(problems: readonly Problem[], path: string): string | undefined {
  const messages = [...new Set(problemsUnder(problems, path).map((problem) => problem.message))];
  return messages.length ? messages.join('; ') : undefined;
}

/** The problems of a group of fields (a range, a list) themselves, not of one field in it. */
export function exactError(problems: readonly Problem[], path: string): string | undefined {
  const messages = problems.filter((problem) => problem.path === path).map((problem) => problem.message);
  return messages.length ? messages.join('; ') : undefined;
}

/** The spec with the schema's defaults filled in: what the server stores for it, to compare sent with read back. */
export function normalizedSpec(spec: unknown): unknown {
  const parsed = routingPolicySpecSchema.safeParse(spec);
  return parsed.success ? parsed.data : spec;
}

/** A string condition given as one name or several, as the editor's tag inputs hold it. */
export function asNames(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Back to the policy's shape: one name stays a plain string, as operators write it in YAML. An
 * emptied condition stays (as `[]`, which the schema refuses beside the field) until the operator
 * removes it: clearing a field never silently widens a rule to every request.
 */
export function fromNames(names: string[]): string | string[] {
  return names.length === 1 ? names[0]! : names;
}

/** An object without the keys whose value is undefined: an emptied field leaves the YAML, not `key: null`. */
export function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
