import { alertRuleSpecInputSchema, type AlertMetric, type AlertRuleObject, type AlertRuleSpecInput, type Comparator } from '../../../shared/alerts';
import { objectId } from '../../../shared/objects';

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
  /** the stored rule's webhook header names: kept as they are (their values are never sent back) */
  keptHeaders: string[];
}

export type DraftField = 'id' | 'metric' | 'model' | 'comparator' | 'threshold' | 'windowSeconds' | 'forSeconds' | 'webhookUrl';
export type FieldProblems = Partial<Record<DraftField, string>>;

export const NEW_RULE: RuleDraft = { id: '', metric: 'error_rate', model: '', comparator: '>', threshold: 0.1, windowSeconds: 60, forSeconds: 0, webhookUrl: '', keptHeaders: [] };

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
    keptHeaders: Object.keys(spec.webhook?.headers ?? {}),
  };
}

/** The spec alerts.put takes; a kept header is `{ set: true }`: the server keeps what it stores. */
export function specOf(draft: RuleDraft): AlertRuleSpecInput {
  const url = draft.webhookUrl.trim();
  return {
    metric: draft.metric,
    ...(draft.model ? { model: draft.model } : {}),
    comparator: draft.comparator,
    threshold: draft.threshold === '' ? Number.NaN : draft.threshold,
    windowSeconds: draft.windowSeconds === '' ? Number.NaN : draft.windowSeconds,
    forSeconds: draft.forSeconds === '' ? Number.NaN : draft.forSeconds,
    ...(url ? { webhook: { url, ...(draft.keptHeaders.length ? { headers: Object.fromEntries(draft.keptHeaders.map((name) => [name, { set: true as const }])) } : {}) } } : {}),
  };
}

/** A problem's path as the server or the schema names it (`spec.webhook.url`, `threshold`) → the form field it concerns. */
export function fieldOf(path: string): DraftField | null {
  const key = path.replace(/^spec\./, '').replace(/^metadata\./, '');
  if (key === 'id') return 'id';
  if (key.startsWith('webhook')) return 'webhookUrl';
  return (['metric', 'model', 'comparator', 'threshold', 'windowSeconds', 'forSeconds'] as const).find((field) => key === field) ?? null;
}

/** What the form can tell before asking the server: the shared schema's problems, by field. Blank numbers are named as such. */
export function checkDraft(draft: RuleDraft, creating: boolean): FieldProblems {
  const problems: FieldProblems = {};
  if (creating) {
    const id = objectId.safeParse(draft.id);
    if (!id.success) problems.id = draft.id === '' ? 'Give the rule an id' : (id.error.issues[0]?.message ?? 'not a valid id');
  }
  const parsed = alertRuleSpecInputSchema.safeParse(specOf(draft));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path.map(String).join('.'));
      if (field && !problems[field]) problems[field] = issue.message;
    }
  }
  for (const field of ['threshold', 'windowSeconds', 'forSeconds'] as const) if (draft[field] === '') problems[field] = 'Required';
  return problems;
}
