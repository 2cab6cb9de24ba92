import { Autocomplete, Button, Group, PasswordInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { PROVIDERS, type Provider } from '../../../../shared/objects';
import { describeError, serverProblems } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { DEFAULT_KEY_ENV, messageFor, type ModelDraft, type Problem } from '../../wizard/draft';
import { PRESETS } from '../../wizard/presets';
import { providerName } from '../ProviderBadge/ProviderBadge';
import { ConnectionResult } from './ConnectionResult';

const ENDPOINT_PLACEHOLDER: Record<Provider, string> = {
  anthropic: 'https://api.anthropic.com (default)',
  gemini: 'https://generativelanguage.googleapis.com (default)',
  'openai-compatible': 'https://api.openai.com/v1 (default), or your server up to /v1',
  simulated: 'none: answers in-process',
};

export interface StepProps {
  draft: ModelDraft;
  change(patch: Partial<ModelDraft>): void;
  /** shown next to their fields: the form's own checks once the step was submitted, and the server's */
  problems: Problem[];
}

/** Step 1: where the model is and how to reach it, with a real call to prove it. */
export function ConnectionStep({ draft, change, problems, onIdEdited }: StepProps & { onIdEdited(): void }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.models.testConnection.mutationOptions());
  // the test's own input problems (a malformed endpoint, say) name the draft's fields: shown there too
  const testProblems = serverProblems(test.error).map((problem) => ({ ...problem, path: `spec.${problem.path}` }));
  const error = (path: string) => messageFor(problems, path) ?? messageFor(testProblems, path);

  const runTest = () => {
    const apiKey = draft.keySource === 'env' ? { env: draft.keyEnv.trim() } : draft.keySource === 'value' ? { value: draft.keyValue } : undefined;
    test.mutate({ provider: draft.provider, model: draft.model.trim(), baseUrl: draft.baseUrl.trim() || undefined, apiKey, timeoutMs: 10_000 });
  };
  const canTest = draft.model.trim() !== '' && (draft.keySource !== 'env' || draft.keyEnv.trim() !== '') && (draft.keySource !== 'value' || draft.keyValue !== '');

  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Provider"
          description="The protocol Grove speaks to it"
          data={PROVIDERS.map((provider) => ({ value: provider, label: providerName(provider) }))}
          value={draft.provider}
          allowDeselect={false}
          onChange={(value) => {
            const provider = value as Provider;
            // the conventional variable follows the provider, unless the operator typed their own
            const keyEnv = Object.values(DEFAULT_KEY_ENV).includes(draft.keyEnv) ? DEFAULT_KEY_ENV[provider] : draft.keyEnv;
            change({ provider, keyEnv, keySource: provider === 'simulated' ? 'none' : draft.keySource });
          }}
          error={error('spec.provider')}
          withAsterisk
        />
        <Autocomplete
          label="Upstream model name"
          description="As the provider spells it"
          placeholder="claude-sonnet-4-5"
          data={PRESETS.filter((preset) => preset.provider === draft.provider).map((preset) => preset.model)}
          value={draft.model}
          onChange={(model) => change({ model })}
          error={error('spec.model')}
          withAsterisk
        />
      </SimpleGrid>
      <TextInput
        label="Endpoint"
        description={draft.provider === 'openai-compatible' ? 'Base URL including /v1 (vLLM, Ollama, OpenRouter…); leave empty for OpenAI' : 'Leave empty for the provider’s own API'}
        placeholder={ENDPOINT_PLACEHOLDER[draft.provider]}
        value={draft.baseUrl}
        onChange={(event) => change({ baseUrl: event.currentTarget.value })}
        error={error('spec.baseUrl')}
        disabled={draft.provider === 'simulated'}
      />
      <Stack gap={6}>
        <Text size="sm" fw={500} id="key-source-label">
          API key
        </Text>
        <SegmentedControl
          aria-labelledby="key-source-label"
          value={draft.keySource}
          onChange={(value) => change({ keySource: value as ModelDraft['keySource'] })}
          data={[
            { value: 'env', label: 'Environment variable' },
            { value: 'value', label: 'Value (stored encrypted)' },
            { value: 'none', label: 'No key' },
          ]}
        />
        {draft.keySource === 'env' && (
          <TextInput
            label="Variable name"
            description="Read from the Grove server's environment when it calls the model"
            value={draft.keyEnv}
            onChange={(event) => change({ keyEnv: event.currentTarget.value })}
            error={error('spec.apiKey')}
            ff="monospace"
          />
        )}
        {draft.keySource === 'value' && (
          <PasswordInput
            label="Key"
            description="Encrypted at rest and never shown again: the console only ever sees its last 4 characters"
            value={draft.keyValue}
            onChange={(event) => change({ keyValue: event.currentTarget.value })}
            error={error('spec.apiKey')}
            autoComplete="off"
          />
        )}
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Grove id"
          description="How requests and routing rules name it"
          value={draft.id}
          onChange={(event) => {
            onIdEdited();
            change({ id: event.currentTarget.value });
          }}
          error={error('metadata.id')}
          ff="monospace"
          withAsterisk
        />
        <TextInput label="Title" description="Shown in the console (optional)" value={draft.title} onChange={(event) => change({ title: event.currentTarget.value })} error={error('metadata.title')} />
      </SimpleGrid>
      <Group>
        <Button variant="default" leftSection={<IconPlugConnected size={16} aria-hidden />} onClick={runTest} loading={test.isPending} disabled={!canTest}>
          Test connection
        </Button>
        {!canTest && (
          <Text size="sm" c="dimmed">
            Name the model {draft.keySource !== 'none' ? 'and its key ' : ''}to test it.
          </Text>
        )}
      </Group>
      <div aria-live="polite">
        {test.isPending && (
          <Text size="sm" c="dimmed">
            Calling the model (gives up after 10 s)…
          </Text>
        )}
        {test.isError && (
          <Text size="sm" c="red" role="alert">
            {testProblems.length ? 'The test was not sent: fix the fields marked above.' : describeError(test.error)}
          </Text>
        )}
        {test.data && !test.isPending && <ConnectionResult outcome={test.data} />}
      </div>
    </Stack>
  );
}
