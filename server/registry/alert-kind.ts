import { alertRuleObjectInputSchema } from '../../shared/alerts';
import type { Problem } from '../errors';
import { kindHandler, registerKind, type ProspectiveRegistry } from './kinds';

/**
 * AlertRule objects. The schema lists what is wrong with a rule on its own; the registry adds a
 * model that does not exist, also beside the schema's problems (checkInvalid), so that one answer
 * lists every problem.
 */
registerKind('AlertRule', {
  schema: alertRuleObjectInputSchema,
  check(object, registry) {
    return modelProblems(object.spec, registry);
  },
  referencedBy() {
    return [];
  },
  checkInvalid(spec, registry) {
    return modelProblems(spec, registry);
  },
});

function modelProblems(spec: unknown, registry: ProspectiveRegistry): Problem[] {
  const model = (spec as { model?: unknown } | undefined)?.model;
  if (typeof model !== 'string' || registry.get('Model', model)) return [];
  const owner = registry.all('Model').find((candidate) => (candidate.spec as { aliases?: string[] }).aliases?.includes(model));
  // figures are kept per model id: an alias would never match any
  if (owner) return [{ path: 'spec.model', message: `"${model}" is an alias: name the model id "${owner.id}"` }];
  return [{ path: 'spec.model', message: `unknown model "${model}"` }];
}

/** A model an AlertRule watches cannot be deleted while the rule names it. */
const modelHandler = kindHandler('Model')!;
registerKind('Model', {
  ...modelHandler,
  referencedBy(id, registry) {
    const alerts = registry
      .all('AlertRule')
      .filter((rule) => (rule.spec as { model?: string }).model === id)
      .map((rule) => `AlertRule/${rule.id}`);
    return [...modelHandler.referencedBy(id, registry), ...alerts];
  },
});
