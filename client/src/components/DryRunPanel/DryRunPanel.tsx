import { ActionIcon, Alert, Autocomplete, Button, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { IconPlayerPlay, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { RoutingPolicySpecInput } from '../../../../shared/policy';
import { describeError, serverProblems } from '../../api/errors';
import { useTRPCClient } from '../../api/trpc';
import type { Problem } from '../../wizard/draft';
import { DEFAULT_SAMPLE, describeSample, explainInput, MAX_SAMPLE_TOKENS, MIN_SAMPLE_TOKENS, type SampleRequest } from '../../routing/dry-run';
import type { RuleInput } from '../../routing/policy-edit';
import { DecisionPicture } from '../DecisionPicture/DecisionPicture';

interface DryRunPanelProps {
  spec: RoutingPolicySpecInput;
  rules: RuleInput[];
  /** why a dry run cannot be sent now (problems in the edited policy), if it cannot */
  blocked: string | null;
  requestableNames: string[];
  /** the server's problems with the edited policy, paths under `spec.` like the form's */
  onServerProblems(problems: Problem[]): void;
}

/**
 * A sample request routed by the server with the edited, unsaved policy (routing.explain with
 * `policy`), beside what the policy in force would do with it; no model is called, nothing stored.
 */
export function DryRunPanel({ spec, rules, blocked, requestableNames, onServerProblems }: DryRunPanelProps) {
  const client = useTRPCClient();
  const [sample, setSample] = useState<SampleRequest>(DEFAULT_SAMPLE);
  const set = <K extends keyof SampleRequest>(key: K, value: SampleRequest[K]) => setSample((current) => ({ ...current, [key]: value }));
  const run = useMutation({
    mutationFn: async (input: { sample: SampleRequest; spec: RoutingPolicySpecInput; rules: RuleInput[] }) => {
      const request = explainInput(input.sample);
      const [edited, inForce] = await Promise.all([client.route.explain.mutate({ ...request, policy: input.spec }), client.route.explain.mutate(request)]);
      // the picture keeps the rules it was run with, whatever is edited after
      return { edited, inForce, sample: input.sample, rules: input.rules };
    },
    onError: (error) => onServerProblems(serverProblems(error).map((problem) => ({ ...problem, path: problem.path.replace(/^policy/, 'spec') }))),
  });

  return (
    <Stack gap="md">
      <Text size="sm">A sample request, routed by the server with the policy as edited here, before it is saved. No model is called.</Text>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Autocomplete label="Requested model" description="auto, a model id or an alias" data={requestableNames} value={sample.model} onChange={(value) => set('model', value)} />
        <TextInput label="Task type" description="as grove.taskType or x-grove-task-type" placeholder="e.g. summarize" value={sample.taskType} onChange={(event) => set('taskType', event.currentTarget.value)} />
        <TagsInput label="Tags" description="press Enter after each" value={sample.tags} onChange={(value) => set('tags', value)} acceptValueOnBlur />
        <NumberInput
          label="Prompt size (tokens)"
          description={`estimated, ${MIN_SAMPLE_TOKENS.toLocaleString('en')}–${MAX_SAMPLE_TOKENS.toLocaleString('en')}`}
          min={MIN_SAMPLE_TOKENS}
          max={MAX_SAMPLE_TOKENS}
          clampBehavior="strict"
          allowDecimal={false}
          thousandSeparator=","
          value={sample.promptTokens}
          onChange={(value) => set('promptTokens', typeof value === 'number' ? value : MIN_SAMPLE_TOKENS)}
        />
      </SimpleGrid>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Headers
        </Text>
        {sample.headers.map((header, index) => (
          <Group key={index} wrap="nowrap">
            <TextInput
              aria-label={`Sample header ${index + 1} name`}
              placeholder="x-team"
              value={header.name}
              onChange={(event) => set('headers', sample.headers.map((current, position) => (position === index ? { ...current, name: event.currentTarget.value } : current)))}
            />
            <TextInput
              aria-label={`Sample header ${index + 1} value`}
              placeholder="value"
              value={header.value}
              onChange={(event) => set('headers', sample.headers.map((current, position) => (position === index ? { ...current, value: event.currentTarget.value } : current)))}
            />
            <ActionIcon variant="subtle" color="gray" aria-label={`Remove sample header ${index + 1}`} onClick={() => set('headers', sample.headers.filter((_header, position) => position !== index))}>
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        ))}
        <Button variant="subtle" size="xs" w="fit-content" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => set('headers', [...sample.headers, { name: '', value: '' }])}>
          Add a header
        </Button>
      </Stack>
      <Group align="center">
        <SegmentedControl
          aria-label="Route as a key with scope"
          value={sample.scope}
          onChange={(value) => set('scope', value as SampleRequest['scope'])}
          data={[
            { value: 'invoke', label: 'as an invoke key' },
            { value: 'admin', label: 'as an admin key' },
          ]}
        />
        <Button leftSection={<IconPlayerPlay size={16} aria-hidden />} onClick={() => run.mutate({ sample, spec, rules })} loading={run.isPending} disabled={blocked !== null}>
          Dry run with the edited policy
        </Button>
      </Group>
      {blocked && (
        <Text size="sm" c="var(--mantine-color-error)">
          {blocked}
        </Text>
      )}
      {run.isError && (
        <Alert color="red" role="alert" title="The server refused the dry run">
          {describeError(run.error)}
        </Alert>
      )}
      {run.data && (
        <Stack gap="sm">
          <DecisionPicture result={run.data.edited} rules={run.data.rules} request={describeSample(run.data.sample)} />
          <Text size="sm" data-testid="dry-run-in-force">
            With the policy in force: {run.data.inForce.decision.rule ? `rule ${run.data.inForce.decision.rule.name}` : 'no rule matched (default route)'} · chain {run.data.inForce.decision.chain.join(' → ') || 'empty'}
          </Text>
        </Stack>
      )}
    </Stack>
  );
}
