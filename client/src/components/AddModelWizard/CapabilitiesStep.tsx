import { Alert, Group, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Slider, Stack, TagsInput, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { messageFor } from '../../wizard/draft';
import { exampleRequestCost, perUnitEquivalents, pricingWarnings } from '../../wizard/pricing-check';
import { PRESETS, presetByLabel, type ModelPreset } from '../../wizard/presets';
import type { StepProps } from './ConnectionStep';

const numberOrEmpty = (value: string | number) => (typeof value === 'number' ? value : value === '' ? '' : Number(value));

function PriceHelp({ value }: { value: number | '' }) {
  if (value === '') return null;
  const { per1K, perToken } = perUnitEquivalents(value);
  return (
    <>
      = {per1K} per 1K tokens = {perToken} per token
    </>
  );
}

/** Step 2: what the model is good at, its limits, its price and how it fails over. */
export function CapabilitiesStep({ draft, change, problems, capabilityNames, capabilityDefaults, modelIds }: StepProps & { capabilityNames: string[]; capabilityDefaults: Record<string, number>; modelIds: string[] }) {
  const error = (path: string) => messageFor(problems, path);
  const warnings = pricingWarnings(draft.inputPer1M === '' ? undefined : draft.inputPer1M, draft.outputPer1M === '' ? undefined : draft.outputPer1M);
  const warningFor = (field: 'inputPer1M' | 'outputPer1M') => warnings.find((warning) => warning.field === field)?.message;

  const applyPreset = (preset: ModelPreset) =>
    change({
      capabilities: { ...draft.capabilities, ...preset.capabilities },
      contextWindow: preset.contextWindow,
      maxOutputTokens: preset.maxOutputTokens,
      inputPer1M: preset.pricing.inputPer1M,
      outputPer1M: preset.pricing.outputPer1M,
    });

  return (
    <Stack gap="md">
      <Select
        label="Start from a preset"
        description="Published limits and list prices of well-known models, and Grove's starting scores: adjust them to your experience"
        placeholder="Choose a model family…"
        data={(['Claude', 'Gemini', 'GPT'] as const).map((family) => ({ group: family, items: PRESETS.filter((preset) => preset.family === family).map((preset) => preset.label) }))}
        value={null}
        onChange={(label) => {
          const preset = label ? presetByLabel(label) : undefined;
          if (preset) applyPreset(preset);
        }}
        searchable
      />
      <Paper withBorder p="md">
        <Text fw={600} size="sm" mb="xs" id="capabilities-label">
          Capabilities (0–100; routing ranks models by these)
        </Text>
        <Stack gap="sm" role="group" aria-labelledby="capabilities-label">
          {capabilityNames.map((name) => {
            // a declared capability the model leaves out is not 0: routing gives it the Capability's default
            const scored = draft.capabilities[name] !== undefined;
            const value = draft.capabilities[name] ?? capabilityDefaults[name] ?? 0;
            return (
              <Stack key={name} gap={2}>
                <Group gap="md" wrap="nowrap">
                  <Text size="sm" w={90} id={`capability-${name}`}>
                    {name}
                  </Text>
                  <Slider
                    flex={1}
                    min={0}
                    max={100}
                    step={1}
                    value={value}
                    color={scored ? undefined : 'gray'}
                    onChange={(next) => change({ capabilities: { ...draft.capabilities, [name]: next } })}
                    thumbLabel={scored ? `${name} score` : `${name} score, not set: the default ${value} applies`}
                    marks={[{ value: 25 }, { value: 50 }, { value: 75 }]}
                  />
                  <Text size="sm" w={32} ta="right" aria-hidden c={scored ? undefined : 'dimmed'}>
                    {value}
                  </Text>
                </Group>
                {!scored && (
                  <Text size="xs" c="dimmed" pl={106}>
                    Not set: routing gives this model the capability&apos;s default, {value}. Move the slider to score it.
                  </Text>
                )}
              </Stack>
            );
          })}
          {error('spec.capabilities') && (
            <Text size="sm" c="red">
              {error('spec.capabilities')}
            </Text>
          )}
        </Stack>
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NumberInput label="Context window" description="tokens, prompt and answer together" value={draft.contextWindow} onChange={(value) => change({ contextWindow: numberOrEmpty(value) })} error={error('spec.contextWindow')} min={1} thousandSeparator="," allowDecimal={false} withAsterisk />
        <NumberInput label="Max output tokens" description="the longest answer it can give" value={draft.maxOutputTokens} onChange={(value) => change({ maxOutputTokens: numberOrEmpty(value) })} error={error('spec.maxOutputTokens')} min={1} thousandSeparator="," allowDecimal={false} withAsterisk />
        <NumberInput
          label="Input price (USD per 1M tokens)"
          description={<PriceHelp value={draft.inputPer1M} />}
          prefix="$"
          value={draft.inputPer1M}
          onChange={(value) => change({ inputPer1M: numberOrEmpty(value) })}
          error={error('spec.pricing.inputPer1M')}
          min={0}
          decimalScale={4}
          withAsterisk
        />
        <NumberInput
          label="Output price (USD per 1M tokens)"
          description={<PriceHelp value={draft.outputPer1M} />}
          prefix="$"
          value={draft.outputPer1M}
          onChange={(value) => change({ outputPer1M: numberOrEmpty(value) })}
          error={error('spec.pricing.outputPer1M')}
          min={0}
          decimalScale={4}
          withAsterisk
        />
      </SimpleGrid>
      {draft.inputPer1M !== '' && draft.outputPer1M !== '' && (
        <Text size="sm" c="dimmed" data-testid="price-example">
          A request of 2,000 tokens in and 500 out would cost an estimated {exampleRequestCost(draft.inputPer1M, draft.outputPer1M)}.
        </Text>
      )}
      {warnings.length > 0 && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />} title="Check the prices" data-testid="price-warnings">
          <Stack gap={4}>
            {(['inputPer1M', 'outputPer1M'] as const).map((field) => warningFor(field) && <Text size="sm" key={field}>{warningFor(field)}</Text>)}
          </Stack>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NumberInput
          label="Timeout (ms)"
          description={draft.timeoutMs === '' ? 'per attempt, before failing over' : `per attempt, before failing over: ${draft.timeoutMs / 1000} s`}
          value={draft.timeoutMs}
          onChange={(value) => change({ timeoutMs: numberOrEmpty(value) })}
          error={error('spec.timeoutMs')}
          min={100}
          step={1000}
          thousandSeparator=","
          allowDecimal={false}
        />
        <MultiSelect
          label="Fallbacks"
          description="Tried in this order when this model fails"
          data={modelIds.filter((id) => id !== draft.id)}
          value={draft.fallbacks}
          onChange={(fallbacks) => change({ fallbacks })}
          error={error('spec.fallbacks')}
          searchable
          placeholder={draft.fallbacks.length ? undefined : 'None'}
        />
      </SimpleGrid>
      <TagsInput label="Aliases" description="Other names clients may use in the model field (Enter after each)" value={draft.aliases} onChange={(aliases) => change({ aliases })} error={error('spec.aliases')} />
    </Stack>
  );
}
