import { useState } from 'react';
import { Button, Group, Select, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Lifecycle } from '../../../../shared/objects';
import { useTRPC } from '../../api/trpc';
import { describeError } from '../../api/errors';
import type { ModelItem } from '../../api/types';
import { useModelList } from '../../models/queries';
import { lifecycleActions, LIFECYCLE_STYLE, type LifecycleAction } from '../../models/lifecycle';
import { ConsoleModal } from '../ConsoleModal/ConsoleModal';

function buttonProps(action: LifecycleAction) {
  if (action.to === 'active') return { variant: 'filled' as const };
  if (action.to === 'retired') return { variant: 'filled' as const, color: 'red.9' };
  return { variant: 'default' as const };
}

function RetireDialog({ model, opened, onClose, onConfirm, busy }: { model: ModelItem; opened: boolean; onClose(): void; onConfirm(replacement: string): void; busy: boolean }) {
  const [replacement, setReplacement] = useState<string | null>(null);
  const candidates = useModelList({}, { enabled: opened });
  const options = (candidates.data ?? [])
    .filter((candidate) => candidate.metadata.id !== model.metadata.id && candidate.spec.lifecycle !== 'retired')
    .map((candidate) => ({ value: candidate.metadata.id, label: `${candidate.metadata.title ?? candidate.metadata.id} (${candidate.metadata.id})` }));
  return (
    // ConsoleModal, not Modal: Mantine's own header is a second banner and its close button has no name (axe-core)
    <ConsoleModal opened={opened} onClose={onClose} title={`Retire ${model.metadata.title ?? model.metadata.id}`} centered>
      <Stack>
        <Text size="sm">A retired model gets no traffic. Requests that name it are sent to its replacement instead.</Text>
        <Select
          label="Replacement model"
          placeholder={candidates.isPending ? 'Loading models…' : 'Choose a model'}
          data={options}
          value={replacement}
          onChange={setReplacement}
          searchable
          // Tab passes through without a list popping open over the buttons; typing or ArrowDown opens it
          openOnFocus={false}
          required
          nothingFoundMessage="No other model to choose"
          comboboxProps={{ withinPortal: true }}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red.9" disabled={!replacement} loading={busy} onClick={() => replacement && onConfirm(replacement)}>
            Retire model
          </Button>
        </Group>
      </Stack>
    </ConsoleModal>
  );
}

/** Lifecycle buttons for one model. Each change names the revision it was based on, so a stale page gets CONFLICT. */
export function LifecycleActions({ model }: { model: ModelItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [retiring, setRetiring] = useState(false);
  const id = model.metadata.id;

  const transition = useMutation(
    trpc.models.transition.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.models.get.queryKey({ id }), updated);
        setRetiring(false);
        notifications.show({ color: 'teal', title: 'Lifecycle changed', message: `${id} is now ${LIFECYCLE_STYLE[updated.spec.lifecycle].label.toLowerCase()}.` });
      },
      onError: (error) => {
        notifications.show({ color: 'red', title: 'The change was refused', message: describeError(error), autoClose: 10_000 });
      },
      // list, detail and history all change with a transition (and a CONFLICT means ours are stale)
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() }),
    }),
  );

  const run = (to: Lifecycle, replacement?: string) =>
    transition.mutate({ id, to, revision: model.status.revision, ...(replacement ? { replacement } : {}) });

  const actions = lifecycleActions(model.spec.lifecycle);
  return (
    <>
      <Group gap="sm" aria-label="Lifecycle actions" role="group">
        {actions.map((action) => (
          <Tooltip key={action.to} label={action.description} withArrow multiline w={240}>
            <Button
              {...buttonProps(action)}
              loading={transition.isPending && transition.variables.to === action.to}
              disabled={transition.isPending}
              onClick={() => (action.needsReplacement ? setRetiring(true) : run(action.to))}
            >
              {action.label}
            </Button>
          </Tooltip>
        ))}
      </Group>
      <RetireDialog model={model} opened={retiring} onClose={() => setRetiring(false)} onConfirm={(replacement) => run('retired', replacement)} busy={transition.isPending} />
    </>
  );
}
