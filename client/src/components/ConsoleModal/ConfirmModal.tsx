import type { ReactNode } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { describeError } from '../../api/errors';
import { ConsoleModal } from './ConsoleModal';

interface ConfirmModalProps {
  opened: boolean;
  title: string;
  /** what happens, said before it does */
  children: ReactNode;
  confirmLabel: string;
  pending: boolean;
  /** the failed attempt's error, shown in the dialog so the operator can try again or cancel */
  error: unknown;
  onConfirm(): void;
  onCancel(): void;
}

/** A destructive action's confirmation: what it does, Cancel, and the action in red. */
export function ConfirmModal({ opened, title, children, confirmLabel, pending, error, onConfirm, onCancel }: ConfirmModalProps) {
  return (
    <ConsoleModal opened={opened} onClose={onCancel} title={title}>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        {error ? (
          <Text size="sm" c="red" role="alert">
            {describeError(error)}
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </ConsoleModal>
  );
}
