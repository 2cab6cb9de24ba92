import { useState } from 'react';
import { Alert, Button, Checkbox, Code, CopyButton, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { SCOPES } from '../../../../shared/system';
import { describeError, serverProblems } from '../../api/errors';
import { useTRPC } from '../../api/trpc';

const SCOPE_HELP: Record<(typeof SCOPES)[number], string> = {
  invoke: 'call models (/v1/chat/completions, gateway.*)',
  metrics: 'read figures only (/metrics, metrics.*)',
  admin: 'manage the registry and keys, read everything',
};

/** Create a key; the key itself is shown once, here, with a copy button, then never again. */
export function CreateKeyForm({ onClose }: { onClose(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['invoke']);
  const [rateLimit, setRateLimit] = useState<number | ''>('');
  const [tried, setTried] = useState(false);
  const create = useMutation({
    ...trpc.keys.create.mutationOptions(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() }),
  });

  if (create.data) {
    return (
      <Stack>
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />} title="Copy the key now: it is shown only this once">
          Grove keeps only a hash of it. If it is lost, revoke it and create another.
        </Alert>
        <Text size="sm">
          Key <b>{create.data.view.name}</b> ({create.data.view.scopes.join(', ')}):
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="created-key" tabIndex={0} aria-label="The new key">
            {create.data.key}
          </Code>
          <CopyButton value={create.data.key}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy} leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}>
                {copied ? 'Copied' : 'Copy key'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    );
  }

  const nameError = tried && !name.trim() ? 'required' : serverProblems(create.error).find((problem) => problem.path === 'name')?.message;
  const scopesError = tried && scopes.length === 0 ? 'choose at least one scope' : undefined;
  const submit = () => {
    setTried(true);
    if (!name.trim() || scopes.length === 0) return;
    create.mutate({ name: name.trim(), scopes: scopes as (typeof SCOPES)[number][], rateLimitPerMinute: rateLimit === '' ? undefined : rateLimit });
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack>
        <TextInput label="Name" description="Who or what uses it, e.g. billing-service" value={name} onChange={(event) => setName(event.currentTarget.value)} error={nameError} maxLength={100} withAsterisk data-autofocus />
        <Checkbox.Group label="Scopes" value={scopes} onChange={setScopes} error={scopesError} withAsterisk>
          <Stack gap={6} mt={6}>
            {(['invoke', 'metrics', 'admin'] as const).map((scope) => (
              <Checkbox key={scope} value={scope} label={scope} description={SCOPE_HELP[scope]} />
            ))}
          </Stack>
        </Checkbox.Group>
        <NumberInput label="Rate limit (requests per minute)" description="Empty: the server's default" value={rateLimit} onChange={(value) => setRateLimit(typeof value === 'number' ? value : '')} min={1} allowDecimal={false} />
        {create.isError && (
          <Text size="sm" c="red" role="alert">
            {describeError(create.error)}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
