import type { Lifecycle } from '../../../shared/objects';

/**
 * Badge colours, filled, each checked for WCAG AA against its text colour:
 * white on #495057 8.2:1, white on #237032 6.1:1, #212529 on #fd7e14 6.0:1, white on #c92a2a 5.5:1.
 */
export const LIFECYCLE_STYLE: Record<Lifecycle, { background: string; text: string; label: string }> = {
  draft: { background: '#495057', text: '#ffffff', label: 'Draft' },
  active: { background: '#237032', text: '#ffffff', label: 'Active' },
  deprecated: { background: '#fd7e14', text: '#212529', label: 'Deprecated' },
  retired: { background: '#c92a2a', text: '#ffffff', label: 'Retired' },
};

export interface LifecycleAction {
  to: Lifecycle;
  label: string;
  /** what happens to traffic, shown beside the button */
  description: string;
  needsReplacement: boolean;
}

const ACTIONS: Record<Lifecycle, LifecycleAction[]> = {
  draft: [{ to: 'active', label: 'Activate', description: 'Starts routing traffic to this model.', needsReplacement: false }],
  active: [
    { to: 'deprecated', label: 'Deprecate', description: 'Keeps it only as a fallback; the console warns about it.', needsReplacement: false },
    { to: 'draft', label: 'Back to draft', description: 'Stops traffic; the model can still be test-called.', needsReplacement: false },
  ],
  deprecated: [
    { to: 'active', label: 'Reactivate', description: 'Routes traffic to it again.', needsReplacement: false },
    { to: 'retired', label: 'Retire', description: 'Stops all traffic; requests naming it go to a replacement.', needsReplacement: true },
  ],
  retired: [{ to: 'deprecated', label: 'Un-retire', description: 'Back to deprecated: usable as a fallback again.', needsReplacement: false }],
};

/**
 * The transitions the console offers, mirroring server/registry/lifecycle.ts TRANSITIONS (which the
 * console may not import at run time); the server stays the judge and explains any refusal.
 */
export function lifecycleActions(from: Lifecycle): LifecycleAction[] {
  return ACTIONS[from];
}
