import { useCallback, useMemo, useState } from 'react';
import type { RoutingPolicySpecInput } from '../../../shared/policy';
import { canonical } from '../wizard/read-back';
import { normalizedSpec, toEdit, toSpec, type PolicyEdit } from './policy-edit';
import { policyToYaml, readPolicyYaml, type PolicyYamlReading } from './policy-yaml';

/** The policy the editor started from: the stored `default` (with its revision), or the built-in one (never stored, no revision). */
export interface PolicyBase {
  revision: number | null;
  spec: RoutingPolicySpecInput;
}

interface EditorState {
  base: PolicyBase;
  edit: PolicyEdit;
  yamlText: string;
  /** the YAML as last typed; null while the text is the form's own rendering */
  yamlReading: PolicyYamlReading | null;
}

const fromBase = (base: PolicyBase): EditorState => {
  const edit = toEdit(base.spec);
  return { base, edit, yamlText: policyToYaml(edit), yamlReading: null };
};

/** Two specs mean the same policy when they are equal once the schema's defaults are filled in. */
export function samePolicy(a: unknown, b: unknown): boolean {
  return canonical(normalizedSpec(a)) === canonical(normalizedSpec(b));
}

/**
 * The form and the YAML view edit one policy. A form change re-renders the YAML; typed YAML
 * updates the form whenever it fits the form's fields (its text is left as typed, never
 * re-rendered under the cursor), and otherwise the form keeps its last good state while the YAML
 * view says why.
 */
export function usePolicyEditor(initial: PolicyBase) {
  const [state, setState] = useState(() => fromBase(initial));

  const change = useCallback((update: (edit: PolicyEdit) => PolicyEdit) => {
    setState((current) => {
      const edit = update(current.edit);
      return { ...current, edit, yamlText: policyToYaml(edit), yamlReading: null };
    });
  }, []);
  const typeYaml = useCallback((text: string) => {
    setState((current) => {
      const reading = readPolicyYaml(text);
      return { ...current, yamlText: text, yamlReading: reading, edit: reading.edit ?? current.edit };
    });
  }, []);
  const renderYamlFromForm = useCallback(() => setState((current) => ({ ...current, yamlText: policyToYaml(current.edit), yamlReading: null })), []);
  const reset = useCallback((base: PolicyBase) => setState(fromBase(base)), []);

  const spec = useMemo(() => toSpec(state.edit), [state.edit]);
  /** the typed YAML is not what the form holds: saving or a dry run would not send what the operator sees */
  const yamlOutOfSync = state.yamlReading !== null && (state.yamlReading.edit === null || state.yamlReading.problems.some((problem) => !problem.path.startsWith('spec')));
  // the base in the editor's order: a stored list out of priority order is the same policy
  const dirty = yamlOutOfSync || !samePolicy(spec, toSpec(toEdit(state.base.spec)));
  return { ...state, spec, dirty, yamlOutOfSync, change, typeYaml, renderYamlFromForm, reset };
}
export type PolicyEditor = ReturnType<typeof usePolicyEditor>;
