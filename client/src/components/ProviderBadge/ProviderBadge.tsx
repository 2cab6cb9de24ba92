import { Badge, Text, Tooltip } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import type { Provider } from '../../../../shared/objects';

const PROVIDER_NAMES: Record<Provider, string> = {
  anthropic: 'Anthropic',
  gemini: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible',
  simulated: 'Simulated',
};

/** Simulated models answer in-process; they are flagged so nobody mistakes them for a real upstream. */
export function ProviderBadge({ provider }: { provider: Provider }) {
  if (provider !== 'simulated') return <Text size="sm">{PROVIDER_NAMES[provider]}</Text>;
  return (
    <Tooltip label="Answers in-process with simulated latency and errors; no real upstream is called" withArrow>
      <Badge variant="filled" color="#5f3dc4" c="#ffffff" radius="sm" leftSection={<IconFlask size={12} aria-hidden />} tabIndex={0}>
        simulated
      </Badge>
    </Tooltip>
  );
}

export function providerName(provider: Provider): string {
  return PROVIDER_NAMES[provider];
}

