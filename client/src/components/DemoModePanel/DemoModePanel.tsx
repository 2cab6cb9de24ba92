import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { ConfirmModal } from '../ConsoleModal/ConfirmModal';
import { IconFlask, IconPlugConnected } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';

/** Whether Grove is in demo mode, how to leave it, and a way to delete the demo models (what `grove demo remove` does). */
export function DemoModePanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const info = useQuery(trpc.system.info.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    ...trpc.system.removeDemo.mutationOptions(),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      setConfirming(false);
    },
  });
  const demoModels = info.data?.demoModels ?? [];

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          Demo mode
        </Title>
        {info.data && (
          <Badge color={info.data.demoMode ? 'grape' : 'gray'} variant="light" leftSection={info.data.demoMode ? <IconFlask size={12} aria-hidden /> : <IconPlugConnected size={12} aria-hidden />} data-testid="demo-mode-status">
            {info.data.demoMode ? 'on' : 'off'}
          </Badge>
        )}
      </Group>
      <Stack gap="sm">
        <Text size="sm">
          {!info.data?.demoMode
            ? 'Off: a real model can serve, so the demo models get no traffic unless a request, rule or fallback names them.'
            : info.data.demoTraffic
              ? 'No real model can serve yet, so the simulated demo models answer requests; Grove sends them demo traffic of its own, counted under the key “demo-traffic”.'
              : 'No real model can serve yet, so the simulated demo models answer requests. Grove sends them no traffic of its own (GROVE_DEMO_TRAFFIC=off).'}
        </Text>
        <Text size="sm">
          Demo mode ends by itself the moment a real model can serve: give a model its key (for example set <Code>ANTHROPIC_API_KEY</Code> and restart Grove) or add one with <b>Add model</b> on the Models page. To delete the demo models as well, run <Code>grove demo remove</Code> or use the button below.
        </Text>
        {demoModels.length > 0 && (
          <Group>
            <Button variant="outline" color="red" onClick={() => setConfirming(true)}>
              Remove the demo models
            </Button>
            <Text size="sm" c="dimmed">
              {demoModels.join(', ')}
            </Text>
          </Group>
        )}
        {remove.data && (
          <Alert color="teal" variant="light" role="status">
            Removed {remove.data.removed.length === 0 ? 'nothing (no demo models were left)' : remove.data.removed.join(', ')}.
          </Alert>
        )}
      </Stack>
      <ConfirmModal
        opened={confirming}
        title="Remove the demo models?"
        confirmLabel="Remove them"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate({})}
        onCancel={() => {
          remove.reset();
          setConfirming(false);
        }}
      >
        Deletes {demoModels.join(', ')} from the registry. {info.data?.demoMode ? 'No real model can serve yet: until you add one, requests will have no model to go to.' : ''} Their revisions stay in the history.
      </ConfirmModal>
    </Paper>
  );
}
