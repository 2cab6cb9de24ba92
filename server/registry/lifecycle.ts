import type { Lifecycle } from '../../shared/objects';
import { GroveError } from '../errors';

/** The lifecycle moves a model may make; anything else is refused with the reason. */
export const TRANSITIONS: Record<Lifecycle, Lifecycle[]> = {
  draft: ['active'],
  active: ['deprecated', 'draft'],
  deprecated: ['active', 'retired'],
  retired: ['deprecated'],
};

const hints: Partial<Record<`${Lifecycle}->${Lifecycle}`, string>> = {
  'draft->deprecated': 'activate it first',
  'draft->retired': 'a draft never served traffic: delete it instead',
  'active->retired': 'deprecate it first, so that clients are warned',
  'retired->active': 'move it back to deprecated first',
  'retired->draft': 'move it back to deprecated first',
  'deprecated->draft': 'reactivate it first',
};

export function modelTransition(id: string, spec: { lifecycle: Lifecycle; replacement: string | null }, to: Lifecycle, replacement: string | null | undefined): { lifecycle: Lifecycle; replacement: string | null } {
  const from = spec.lifecycle;
  if (from === to) throw new GroveError('BAD_REQUEST', `model "${id}" is already ${to}`);
  if (!TRANSITIONS[from].includes(to)) {
    const hint = hints[`${from}->${to}`];
    throw new GroveError('BAD_REQUEST', `cannot move model "${id}" from ${from} to ${to}${hint ? `: ${hint}` : ''}`);
  }
  if (to === 'retired') {
    if (!replacement) throw new GroveError('BAD_REQUEST', `retiring model "${id}" needs a replacement model`);
    return { lifecycle: to, replacement };
  }
  return { lifecycle: to, replacement: null };
}
