import { alertRuleSpecInputSchema, type AlertMetric, type AlertRuleObject, type AlertRuleSpecInput, type Comparator } from '../../../shared/alerts';
import { objectId } from '../../../shared/objects';
import { checkHeaders, headerInputs, headersOf, rowOfProblem, type HeaderDraft, type HeaderProblems } from './header-draft';

/** The alert form's fields, as typed: numbers may be blank while being edited. */
export interface RuleDraft {
  id: string;
  metric: AlertMetric;
  /** '' = all models together */
  model: string;
  comparator: Comparator;
  threshold: number | '';
  windowSeconds: number | '';
  forSeconds: number | '';
  webhookUrl: string;
  /** the webhook's headers, a row each */
  headers: HeaderDraft[];
}

export type DraftField = 'id' | 'metric' | 'model' | 'comparator' | 'threshold' | 'windowSeconds' | 'forSeconds' | 'webhookUrl';
/** Problems by field, and by header row (its key). */
export type FieldProblems = Partial<Record<DraftField, string>> & { headers?: HeaderProblems };

export const NEW_RULE: RuleDraft = { id: '', metric: 'error_rate', model: '', comparator: '>', threshold: 0.1, windowSeconds: 60, forSeconds: 0, webhookUrl: '', headers: [] };

export function draftOf(rule: AlertRuleObject): RuleDraft {
  const { spec } = rule;
  return {
    id: rule.metadata.id,
    metric: spec.metric,
    model: spec.model ?? '',
    comparator: spec.comparator,
    threshold: spec.threshold,
    windowSeconds: spec.windowSeconds,
    forSeconds: spec.forSeconds,
    webhookUrl: spec.webhook?.url ?? '',
    headers: headersOf(spec.webhook?.headers),
  };
}

/** The spec alerts.put takes (its headers as headerInputs writes them). */
export function specOf(draft: RuleDraft): AlertRuleSpecInput {
  const url = draft.webhookUrl.trim();
  const headers = headerInputs(draft.headers);
  return {
    metric: draft.metric,
    ...(draft.model ? { model: draft.model } : {}),
    comparator: draft.comparator,
    threshold: draft.threshold === '' ? Number.NaN : draft.threshold,
    windowSeconds: draft.windowSeconds === '' ? Number.NaN : draft.windowSeconds,
    forSeconds: draft.forSeconds === '' ? Number.NaN : draft.forSeconds,
    ...(url ? { webhook: { url, ...(headers ? { headers } : {}) } } : {}),
  };
}

/**
 * Puts a problem, by its path as the server or the schema names it (`spec.webhook.url`,
 * `threshold`, `webhook.headers.Authorization`), next to the field or header row it concerns.
 * false: it concerns none (the form shows it above).
 */
export function placeProblem(problems: FieldProblems, draft: RuleDraft, path: string, message: string): boolean {
  const key = path.replace(/^spec\./, '').replace(/^metadata\./, '');
  const join = (current: string | undefined) => (current && current !== message ? `${current}; ${message}` : message);
  if (key.startsWith('webhook.headers.')) {
    const row = rowOfProblem(draft.headers, key.slice('webhook.headers.'.length), message);
    if (!row) return false;
    const headers = (problems.headers ??= {});
    headers[row.key] = { ...headers[row.key], [row.part]: join(headers[row.key]?.[row.part]) };
    return true;
  }
  const field = key === 'id' ? 'id' : key.startsWith('webhook') ? 'webhookUrl' : (['metric', 'model', 'comparator', 'threshold', 'windowSeconds', 'forSeconds'] as const).find((name) => key === name);
  if (!field) return false;
  problems[field] = join(problems[field]);
  return true;
}

export const hasProblems = ({ headers, ...fields }: FieldProblems): boolean => Object.values(fields).some((problem) => problem !== undefined) || Object.keys(headers ?? {}).length > 0;

/** What the form can tell before asking the server: the shared schema's problems and each header row's, by field. Blank numbers are named as such. */
export function checkDraft(draft: RuleDraft, creating: boolean): FieldProblems {
  const problems: FieldProblems = {};
  if (creating) {
    const id = objectId.safeParse(draft.id);
    if (!id.success) problems.id = draft.id === '' ? 'Give the rule an id' : (id.error.issues[0]?.message ?? 'not a valid id');
  }
  // the rows' own checks say more than the schema's, which cannot tell an empty name from a missing row
  const headers = checkHeaders(draft.headers);
  if (Object.keys(headers).length) problems.headers = headers;
  const parsed = alertRuleSpecInputSchema.safeParse(specOf(draft));
  const seen = new Set<string>();
  for (const issue of parsed.error?.issues ?? []) {
    const path = issue.path.map(String).join('.');
    if (problems.headers && path.startsWith('webhook.headers')) continue;
    // a field's first problem only: the next ones often follow from it
    const field = path.startsWith('webhook.headers.') ? path : path.split('.')[0]!;
    if (!seen.has(field)) placeProblem(problems, draft, path, issue.message);
    seen.add(field);
  }
  if (draft.headers.length > 0 && draft.webhookUrl.trim() === '') problems.webhookUrl = 'Give the URL the headers are sent to';
  for (const field of ['threshold', 'windowSeconds', 'forSeconds'] as const) if (draft[field] === '') problems[field] = 'Required';
  return problems;
}
