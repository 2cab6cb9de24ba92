import { ActionIcon, Button, Group, NumberInput, Select, SimpleGrid, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { DEFAULT_CHAIN_LENGTH, STRATEGIES, type RouteInput, type Strategy } from '../../../../shared/policy';
import type { Problem } from '../../wizard/draft';
import { compact, exactError, fieldError } from '../../routing/policy-edit';
import { GroupError } from '../GroupError/GroupError';

const STRATEGY_TEXT: Record<Strategy, string> = {
  capability: 'capability: the best weighted capability fit first',
  cheapest: 'cheapest: the lowest blended price first',
  fastest: 'fastest: the lowest live latency first',
  pinned: 'pinned: the listed models, in order',
  weighted: 'weighted: a traffic split by weight',
};

const numberOrAbsent = (value: string | number) => (typeof value === 'number' ? value : undefined);

interface RouteEditorProps {
  /** what the route belongs to, in every field's accessible name: "rule summarize", "the default route" */
  owner: string;
  route: RouteInput;
  onChange(route: RouteInput): void;
  problems: Problem[];
  /** `spec.rules[0].route` or `spec.default` */
  path: string;
  modelIds: string[];
  capabilityNames: string[];
}

/** How a matched request is routed: the strategy, then what that strategy reads, then the limits every strategy obeys. */
export function RouteEditor({ owner, route, onChange, problems, path, modelIds, capabilityNames }: RouteEditorProps) {
  const set = <K extends keyof RouteInput>(key: K, value: RouteInput[K] | undefined) => onChange(compact({ ...route, [key]: value }));
  const strategy = route.strategy ?? 'capability';
  const table = (key: 'weights' | 'minimums', title: string, description: string) => {
    const values = route[key] ?? {};
    // capabilities the policy names but the registry does not declare are shown too, with their problem
    const names = [...new Set([...capabilityNames, ...Object.keys(values)])];
    return (
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {title}
        </Text>
        <Text size="xs" c="dimmed">
          {description}
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
          {names.map((name) => (
            <NumberInput
              key={name}
              label={name}
              aria-label={`${title}: ${name}, ${owner}`}
              value={values[name] ?? ''}
              onChange={(value) => {
                const next = compact({ ...values, [name]: numberOrAbsent(value) }) as Record<string, number>;
                set(key, Object.keys(next).length ? next : undefined);
              }}
              error={fieldError(problems, `${path}.${key}.${name}`)}
              decimalScale={3}
            />
          ))}
        </SimpleGrid>
        <GroupError message={exactError(problems, `${path}.${key}`)} />
      </Stack>
    );
  };

  return (
    <Stack gap="sm">
      <Select
        label="Strategy"
        aria-label={`Strategy of ${owner}`}
        data={STRATEGIES.map((value) => ({ value, label: STRATEGY_TEXT[value] }))}
        value={strategy}
        onChange={(value) => value && set('strategy', value as Strategy)}
        allowDeselect={false}
        error={fieldError(problems, `${path}.strategy`)}
        maw={420}
      />
      {strategy === 'capability' && table('weights', 'Weights', 'How much each capability counts in the score (relative, ≥ 0). Empty: all five core capabilities equally.')}
      {strategy === 'pinned' && (
        <TagsInput
          label="Models, in order"
          aria-label={`Pinned models of ${owner}`}
          description="the chain: the first serves, the next ones take over on failure"
          data={modelIds}
          value={route.models ?? []}
          onChange={(value) => set('models', value)}
          error={fieldError(problems, `${path}.models`)}
          acceptValueOnBlur
          clearable
        />
      )}
      {strategy === 'weighted' && <SplitEditor owner={owner} split={route.split ?? []} onChange={(split) => set('split', split)} problems={problems} path={`${path}.split`} modelIds={modelIds} />}
      {table('minimums', 'Minimums', 'Models below any of these scores (0–100) are excluded.')}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberInput
          label="Max price (USD per 1M tokens, blended)"
          aria-label={`Max price in USD per 1M tokens, ${owner}`}
          description="3 parts input to 1 part output"
          value={route.maxPricePer1M ?? ''}
          onChange={(value) => set('maxPricePer1M', numberOrAbsent(value))}
          error={fieldError(problems, `${path}.maxPricePer1M`)}
          decimalScale={4}
          prefix="$"
        />
        <NumberInput
          label="Max latency (ms, live p50)"
          aria-label={`Max latency in ms, ${owner}`}
          description="models without figures yet are kept"
          value={route.maxLatencyMs ?? ''}
          onChange={(value) => set('maxLatencyMs', numberOrAbsent(value))}
          error={fieldError(problems, `${path}.maxLatencyMs`)}
        />
        <NumberInput
          label="Chain length"
          aria-label={`Chain length, ${owner}`}
          description={`models a request may try, 1–16 (default ${DEFAULT_CHAIN_LENGTH})`}
          placeholder={String(DEFAULT_CHAIN_LENGTH)}
          value={route.chainLength ?? ''}
          onChange={(value) => set('chainLength', numberOrAbsent(value))}
          error={fieldError(problems, `${path}.chainLength`)}
          allowDecimal={false}
        />
      </SimpleGrid>
      <Switch
        label="Fill a named model's chain with this route's best others"
        aria-label={`Fill the chain of a named model, ${owner}`}
        description="off: a request that names a model gets that model and its declared fallbacks only"
        checked={route.fillChain ?? false}
        onChange={(event) => set('fillChain', event.currentTarget.checked ? true : undefined)}
        error={fieldError(problems, `${path}.fillChain`)}
      />
    </Stack>
  );
}

type Split = NonNullable<RouteInput['split']>;

function SplitEditor({ owner, split, onChange, problems, path, modelIds }: { owner: string; split: Split; onChange(split: Split): void; problems: Problem[]; path: string; modelIds: string[] }) {
  const replace = (index: number, share: Split[number]) => onChange(split.map((current, position) => (position === index ? share : current)));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Traffic split
      </Text>
      <Text size="xs" c="dimmed">
        Weights are relative and need not sum to 100; the rest of the split follows as fallbacks.
      </Text>
      {split.map((share, index) => (
        <Group key={index} align="flex-start" wrap="nowrap">
          <Select
            label="Model"
            aria-label={`Split ${index + 1} model, ${owner}`}
            // a model the registry lacks stays listed, so that its problem shows beside it
            data={[...new Set([...modelIds, share.model])].filter(Boolean)}
            value={share.model || null}
            onChange={(value) => replace(index, { ...share, model: value ?? '' })}
            error={fieldError(problems, `${path}[${index}].model`)}
            searchable
          />
          <NumberInput
            label="Weight"
            aria-label={`Split ${index + 1} weight, ${owner}`}
            value={share.weight}
            onChange={(value) => replace(index, { ...share, weight: typeof value === 'number' ? value : 0 })}
            error={fieldError(problems, `${path}[${index}].weight`)}
            w={120}
          />
          <ActionIcon mt={26} variant="subtle" color="gray" aria-label={`Remove split ${index + 1}, ${owner}`} onClick={() => onChange(split.filter((_share, position) => position !== index))}>
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
      <GroupError message={exactError(problems, path)} />
      <Button variant="subtle" size="xs" w="fit-content" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => onChange([...split, { model: '', weight: 1 }])}>
        Add a model to the split
      </Button>
    </Stack>
  );
}
