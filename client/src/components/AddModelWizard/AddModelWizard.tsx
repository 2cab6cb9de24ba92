import { useMemo, useState } from 'react';
import { Alert, Button, Group, Stack, Stepper, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { describeError, serverProblems } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import type { ModelItem } from '../../api/types';
import { belongsToStep, draftToObject, emptyDraft, idFromModelName, objectToDraft, validateObject, type ModelDraft, type Problem } from '../../wizard/draft';
import { presetForModel } from '../../wizard/presets';
import { readBackDifferences } from '../../wizard/read-back';
import { objectToYaml, readYaml, withKey, withoutKey } from '../../wizard/yaml-source';
import { CapabilitiesStep } from './CapabilitiesStep';
import { ConnectionStep } from './ConnectionStep';
import { ReviewStep } from './ReviewStep';

const STEPS = [
  { label: 'Connection', description: 'Provider, endpoint, key' },
  { label: 'Capabilities', description: 'Scores, limits, price' },
  { label: 'Review', description: 'YAML, then register' },
];

/**
 * The three steps of registering a model. The form's problems come from the server's own schema;
 * what only the server knows (a taken id, a fallback that does not exist) comes from a dry run of
 * the apply before the review, and from the registration itself.
 */
export interface AddModelWizardProps {
  modelIds: string[];
  capabilityNames: string[];
  /** the score routing gives a model that leaves a declared capability out (useCapabilityDefaults) */
  capabilityDefaults?: Record<string, number>;
  onDone(): void;
}

export function AddModelWizard({ modelIds, capabilityNames, capabilityDefaults = {}, onDone }: AddModelWizardProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<ModelDraft>(emptyDraft);
  const [idEdited, setIdEdited] = useState(false);
  const [submitted, setSubmitted] = useState<Set<number>>(new Set());
  const [serverReported, setServerReported] = useState<Problem[]>([]);
  const [yaml, setYaml] = useState('');
  const [registered, setRegistered] = useState<{ model: ModelItem; seconds: number; differences: string[] } | null>(null);
  const [startedAt] = useState(() => Date.now());
  const [pending, setPending] = useState<'draft' | 'active' | null>(null);

  const dryRun = useMutation(trpc.objects.applyAll.mutationOptions());
  const create = useMutation(trpc.models.create.mutationOptions());

  const change = (patch: Partial<ModelDraft>) => {
    setDraft((current) => {
      const next = { ...current, ...patch };
      // the id follows the model name until the operator types one; a known model also brings its preset
      if (patch.model !== undefined && !idEdited) next.id = idFromModelName(patch.model);
      if (patch.model !== undefined && current.contextWindow === '') {
        const preset = presetForModel(patch.model);
        if (preset && preset.provider === next.provider) Object.assign(next, { capabilities: { ...next.capabilities, ...preset.capabilities }, contextWindow: preset.contextWindow, maxOutputTokens: preset.maxOutputTokens, inputPer1M: preset.pricing.inputPer1M, outputPer1M: preset.pricing.outputPer1M });
      }
      return next;
    });
    setServerReported([]);
  };

  const clientProblems = useMemo(() => {
    const problems = validateObject(draftToObject(draft));
    if (draft.id && modelIds.includes(draft.id.trim())) problems.push({ path: 'metadata.id', message: `a model "${draft.id.trim()}" exists already: choose another id` });
    return problems;
  }, [draft, modelIds]);
  const stepProblems = (index: number) => [...serverReported, ...(submitted.has(index) ? clientProblems : [])].filter((problem) => belongsToStep(problem.path, index));
  const yamlReading = useMemo(() => {
    if (step !== 2) return null;
    const reading = readYaml(yaml);
    return reading.object ? { ...reading, object: withKey(reading.object, draft.keyValue) } : reading;
  }, [step, yaml, draft.keyValue]);

  const next = async () => {
    setSubmitted((current) => new Set(current).add(step));
    if (clientProblems.some((problem) => belongsToStep(problem.path, step))) return;
    if (step === 1) {
      // the server's word before the review: what its schema alone cannot know (fallbacks that exist, an id taken meanwhile)
      const object = draftToObject(draft);
      try {
        const { results } = await dryRun.mutateAsync({ objects: [object as never], dryRun: true });
        if (results[0]?.action !== 'created') {
          setServerReported([{ path: 'metadata.id', message: `a model "${draft.id}" exists already: choose another id` }]);
          setStep(0);
          return;
        }
      } catch (error) {
        const problems = serverProblems(error);
        setServerReported(problems);
        const first = [0, 1].find((index) => problems.some((problem) => belongsToStep(problem.path, index)));
        if (first !== undefined) setStep(first);
        if (problems.length) return;
        throw error;
      }
      setYaml(objectToYaml(withoutKey(object)));
    }
    setStep(step + 1);
  };

  const back = () => {
    if (step === 2 && yamlReading?.object) setDraft(objectToDraft(yamlReading.object, draft));
    setStep(step - 1);
  };

  const register = async (lifecycle: 'draft' | 'active') => {
    if (!yamlReading?.object) return;
    const object: Record<string, unknown> = { ...yamlReading.object, spec: { ...(yamlReading.object.spec as object), lifecycle } };
    setPending(lifecycle);
    try {
      await create.mutateAsync({ object: object as never });
      // read back with a fresh get, not the create's echo: what any later reader will see
      const model = await queryClient.fetchQuery({ ...trpc.models.get.queryOptions({ id: String((object.metadata as { id: string }).id) }), staleTime: 0 });
      await queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
      setRegistered({ model, seconds: Math.round((Date.now() - startedAt) / 1000), differences: readBackDifferences(object, model) });
    } catch (error) {
      setServerReported(serverProblems(error));
    }
  };

  if (registered) {
    const { model } = registered;
    return (
      <Stack>
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} aria-hidden />} title={`Registered ${model.metadata.id} as ${model.spec.lifecycle}`} role="status" data-testid="wizard-registered">
          Saved and read back as revision {model.status.revision}
          {model.spec.apiKey && 'set' in model.spec.apiKey ? `; the key is stored encrypted (ends in ${model.spec.apiKey.last4})` : ''}. It took {registered.seconds} s.
          <Text size="sm" mt={4} data-testid="read-back">
            {registered.differences.length === 0
              ? 'Read back: identical to what you registered.'
              : `Read back: the stored model differs in ${registered.differences.join(', ')}; check it on the model page.`}
          </Text>
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Close
          </Button>
          <Button component={Link} to={`/models/${encodeURIComponent(model.metadata.id)}`} onClick={onDone}>
            Open {model.metadata.id}
          </Button>
        </Group>
      </Stack>
    );
  }

  const reviewProblems = [...(yamlReading?.problems ?? []), ...serverReported];
  return (
    <Stack gap="lg">
      <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={(index) => index < step && (step === 2 ? back() : setStep(index))}>
        {STEPS.map((item) => (
          <Stepper.Step key={item.label} label={item.label} description={item.description} />
        ))}
      </Stepper>
      {step === 0 && <ConnectionStep draft={draft} change={change} problems={stepProblems(0)} onIdEdited={() => setIdEdited(true)} />}
      {step === 1 && <CapabilitiesStep draft={draft} change={change} problems={stepProblems(1)} capabilityNames={[...new Set([...Object.keys(draft.capabilities), ...capabilityNames])]} capabilityDefaults={capabilityDefaults} modelIds={modelIds} />}
      {step === 2 && (
        <ReviewStep
          yaml={yaml}
          onYamlChange={(text) => {
            setYaml(text);
            setServerReported([]);
          }}
          problems={reviewProblems}
        />
      )}
      {(dryRun.isError || create.isError) && serverReported.length === 0 && (
        <Text size="sm" c="red" role="alert">
          {describeError(dryRun.error ?? create.error)}
        </Text>
      )}
      <Group justify="space-between">
        <Group>
          {step > 0 && (
            <Button variant="default" onClick={back} disabled={step === 2 && !yamlReading?.object}>
              Back
            </Button>
          )}
          {step === 2 && !yamlReading?.object && (
            <Text size="sm" c="dimmed">
              Fix the YAML to go back to the form.
            </Text>
          )}
        </Group>
        {step < 2 ? (
          <Button onClick={() => void next()} loading={dryRun.isPending}>
            Next
          </Button>
        ) : (
          <Group>
            <Button variant="default" onClick={() => void register('draft')} loading={create.isPending && pending === 'draft'} disabled={!yamlReading?.object || create.isPending}>
              Register as draft
            </Button>
            <Button onClick={() => void register('active')} loading={create.isPending && pending === 'active'} disabled={!yamlReading?.object || create.isPending}>
              Register as active
            </Button>
          </Group>
        )}
      </Group>
    </Stack>
  );
}
