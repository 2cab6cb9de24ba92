import { z } from 'zod';
import { capabilityName } from './objects';

/**
 * The routing requirements a caller may send beside the OpenAI fields, as `"grove": { ... }` in the
 * body or as `x-grove-*` headers. They narrow the policy's route; they never widen it (see
 * server/routing/effective-route.ts).
 */

/** pinned and weighted need model lists, which only a policy can give */
export const REQUEST_STRATEGIES = ['capability', 'cheapest', 'fastest'] as const;

export const routingRequirementsSchema = z
  .object({
    taskType: z.string().min(1).max(100).optional(),
    tags: z.array(z.string().min(1).max(100)).max(32).optional(),
    weights: z.record(capabilityName, z.number().min(0, 'weights must not be negative').max(1_000_000)).optional(),
    minimums: z.record(capabilityName, z.number().min(0).max(100)).optional(),
    maxPricePer1M: z.number().min(0).optional(),
    maxLatencyMs: z.number().positive().optional(),
    /** tokens the model's context window must hold beyond the estimate of prompt + max_tokens */
    minContext: z.number().int().min(0).optional(),
    strategy: z.enum(REQUEST_STRATEGIES).optional(),
  })
  .strict();
export type RoutingRequirements = z.output<typeof routingRequirementsSchema>;

export interface RequirementsIssue {
  /** where the bad value came from: a header name (`x-grove-weights`) or a body path (`grove.weights.speed`) */
  field: string;
  message: string;
}

export class RequirementsError extends Error {
  constructor(readonly issues: RequirementsIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.name = 'RequirementsError';
  }
}

const HEADER_FIELDS = {
  'x-grove-task-type': 'taskType',
  'x-grove-tags': 'tags',
  'x-grove-weights': 'weights',
  'x-grove-minimums': 'minimums',
  'x-grove-max-price': 'maxPricePer1M',
  'x-grove-max-latency-ms': 'maxLatencyMs',
  'x-grove-min-context': 'minContext',
  'x-grove-strategy': 'strategy',
} as const satisfies Record<string, keyof RoutingRequirements>;
type HeaderName = keyof typeof HEADER_FIELDS;
const FIELD_HEADERS = Object.fromEntries(Object.entries(HEADER_FIELDS).map(([header, field]) => [field, header])) as Record<string, HeaderName>;

export type HeaderBag = Record<string, string | string[] | undefined>;

function parseNumber(text: string, field: string, issues: RequirementsIssue[]): number | undefined {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (Number.isFinite(value)) return value;
  issues.push({ field, message: `expected a number, got "${text}"` });
  return undefined;
}

function parsePairs(text: string, field: string, issues: RequirementsIssue[]): Record<string, number> {
  const table: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [name, value, extra] = pair.split('=').map((part) => part.trim());
    if (!name || value === undefined || extra !== undefined) {
      issues.push({ field, message: `expected name=number pairs separated by commas, got "${pair.trim()}"` });
      continue;
    }
    const number = parseNumber(value, `${field} (${name})`, issues);
    if (number !== undefined) table[name] = number;
  }
  return table;
}

function describeIssues(error: z.ZodError, fieldOf: (path: PropertyKey[]) => string): RequirementsIssue[] {
  return error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
}

/** Reads `x-grove-*` headers (names in any case; repeated headers are joined with commas). */
export function requirementsFromHeaders(headers: HeaderBag): RoutingRequirements {
  const issues: RequirementsIssue[] = [];
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    const header = name.toLowerCase();
    if (value === undefined || !(header in HEADER_FIELDS)) continue;
    const text = (Array.isArray(value) ? value.join(',') : value).trim();
    const field = HEADER_FIELDS[header as HeaderName];
    if (field === 'tags') raw.tags = text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
    else if (field === 'weights' || field === 'minimums') raw[field] = parsePairs(text, header, issues);
    else if (field === 'maxPricePer1M' || field === 'maxLatencyMs' || field === 'minContext') raw[field] = parseNumber(text, header, issues);
    else raw[field] = text;
  }
  // most requests carry no x-grove-* header: nothing to validate (a header that failed to parse left its key)
  if (Object.keys(raw).length === 0) return {};
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  const parsed = routingRequirementsSchema.safeParse(raw);
  if (!parsed.success) {
    issues.push(
      ...describeIssues(parsed.error, ([first, ...rest]) => {
        const header = FIELD_HEADERS[String(first)] ?? String(first);
        return rest.length > 0 ? `${header} (${rest.map(String).join('.')})` : header;
      }),
    );
  }
  if (issues.length > 0 || !parsed.success) throw new RequirementsError(issues);
  return parsed.data;
}

/** Reads the body's `grove` object; `undefined` and `null` mean no requirements. */
export function requirementsFromBody(grove: unknown): RoutingRequirements {
  if (grove === undefined || grove === null) return {};
  const parsed = routingRequirementsSchema.safeParse(grove);
  if (parsed.success) return parsed.data;
  throw new RequirementsError(describeIssues(parsed.error, (path) => ['grove', ...path.map(String)].join('.')));
}

/** Body and headers together; a field set in the body wins over the same header. Lists every bad value of both. */
export function resolveRequirements(grove: unknown, headers: HeaderBag): RoutingRequirements {
  const issues: RequirementsIssue[] = [];
  let fromBody: RoutingRequirements = {};
  let fromHeaders: RoutingRequirements = {};
  try {
    fromBody = requirementsFromBody(grove);
  } catch (error) {
    if (!(error instanceof RequirementsError)) throw error;
    issues.push(...error.issues);
  }
  try {
    fromHeaders = requirementsFromHeaders(headers);
  } catch (error) {
    if (!(error instanceof RequirementsError)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0) throw new RequirementsError(issues);
  return { ...fromHeaders, ...fromBody };
}
