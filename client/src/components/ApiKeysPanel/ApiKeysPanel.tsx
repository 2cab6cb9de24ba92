import { useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Skeleton, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { ConfirmModal } from '../ConsoleModal/ConfirmModal';
import { ConsoleModal } from '../ConsoleModal/ConsoleModal';
import { IconBan, IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { CreateKeyForm } from './CreateKeyForm';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
}

/** API keys: who may call Grove. Revoked keys stay listed (greyed, with the date) so the history stays readable. */
export function ApiKeysPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { state } = useAuth();
  const { format, timeZone } = useReportingTimeZone();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const revoke = useMutation({
    ...trpc.keys.revoke.mutationOptions(),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
      setRevoking(null);
    },
  });
  const ownKeyId = state.status === 'signed-in' ? state.identity.keyId : null;

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={3} size="h5">
            API keys
          </Title>
          <Text size="sm" c="dimmed">
            Times in {timeZone}. “Last used” is the key’s latest request through any Grove instance, kept across restarts; a use through
            another instance shows here within about 5 seconds.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Create key
        </Button>
      </Group>
      {keys.isPending ? (
        <Skeleton h={120} aria-label="Loading keys" />
      ) : keys.isError ? (
        <Alert color="red" role="alert" title="Could not load the keys">
          {describeError(keys.error)}
        </Alert>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="API keys" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Scopes</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">Last used</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.items.map((key) => (
                <Table.Tr key={key.id} data-key-id={key.id} c={key.revokedAt ? 'dimmed' : undefined}>
                  <Table.Td>
                    {/* the name on its own line, what tells keys apart under it: in one row they were cut at 1280 px */}
                    <Group gap={6} wrap="nowrap" align="flex-start">
                      <IconKey size={14} aria-hidden style={{ marginTop: 3, flexShrink: 0 }} />
                      <Stack gap={2}>
                        <Text size="sm" fw={500}>
                          {key.name}
                        </Text>
                        <Group gap={6}>
                          <Text size="xs" ff="monospace" c="dimmed">
                            {key.prefix}…
                          </Text>
                          {key.id === ownKeyId && (
                            <Badge size="xs" variant="default" style={{ flexShrink: 0 }}>
                              this session
                            </Badge>
                          )}
                        </Group>
                      </Stack>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {key.scopes.map((scope) => (
                        <Badge key={scope} variant="default" radius="sm" size="sm" style={{ flexShrink: 0 }}>
                          {scope}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" component="time" dateTime={key.createdAt}>
                      {format(key.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {key.lastUsedAt ? (
                      <Text size="sm" component="time" dateTime={key.lastUsedAt}>
                        {format(key.lastUsedAt)}
                      </Text>
                    ) : (
                      <Text size="sm">no use recorded</Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {key.revokedAt ? (
                      <Badge color="gray" variant="outline" leftSection={<IconBan size={12} aria-hidden />}>
                        revoked {format(key.revokedAt)}
                      </Badge>
                    ) : key.id === ownKeyId ? (
                      <Tooltip label="The console is signed in with this key: revoke it from another admin key">
                        <Button size="xs" variant="default" disabled data-disabled>
                          Revoke
                        </Button>
                      </Tooltip>
                    ) : (
                      <Button size="xs" variant="outline" color="red" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConsoleModal opened={creating} onClose={() => setCreating(false)} title="Create an API key" closeOnClickOutside={false}>
        {creating && <CreateKeyForm onClose={() => setCreating(false)} />}
      </ConsoleModal>
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        onCancel={() => {
          revoke.reset();
          setRevoking(null);
        }}
      >
        <b>{revoking?.name}</b> (<code>{revoking?.prefix}…</code>) stops working at once, on every Grove instance: its calls get 401 and its open subscriptions end. This cannot be undone.
      </ConfirmModal>
    </Paper>
  );
}
