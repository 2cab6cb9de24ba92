import { ActionIcon, Button, Group, Input, PasswordInput, SegmentedControl, Stack, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { keepsStored, newHeader, type HeaderDraft, type HeaderProblems } from '../../alerts/header-draft';

export interface WebhookHeadersProps {
  rows: HeaderDraft[];
  /** `edited`: the row that changed (its problems are about what it was), absent when one was added or removed */
  onChange(rows: HeaderDraft[], edited?: number): void;
  problems: HeaderProblems;
}

const SOURCES = [
  { value: 'value', label: 'Value' },
  { value: 'env', label: 'Environment' },
];

/** The stored value's fate, under the value field of a row read from the server. */
function storedNote(row: HeaderDraft): string | undefined {
  if (!row.stored || row.source !== 'value') return undefined;
  if (keepsStored(row)) return `Stored value ending in ${row.stored.last4} is kept; type a new one to replace it`;
  return row.value === '' ? undefined : `Replaces the stored value ending in ${row.stored.last4}`;
}

/**
 * A webhook's headers, a row each: a name, and a value that is a secret, given as text (stored
 * encrypted, shown again only as its last 4 characters) or as the name of a variable in the
 * server's environment, as the add-model wizard takes a key. A stored value is kept until a new
 * one is typed.
 */
export function WebhookHeaders({ rows, onChange, problems }: WebhookHeadersProps) {
  const [added, setAdded] = useState<number | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const replace = (row: HeaderDraft) => onChange(rows.map((current) => (current.key === row.key ? row : current)), row.key);
  const add = () => {
    const row = newHeader(rows);
    setAdded(row.key);
    onChange([...rows, row]);
  };
  const remove = (key: number) => {
    onChange(rows.filter((row) => row.key !== key));
    // the button that was pressed is gone: the focus goes somewhere that stays
    addButton.current?.focus();
  };

  return (
    // a wrapper for the label and description the inputs around have; the rows are a group it names
    <Input.Wrapper
      label="Webhook headers"
      labelElement="div"
      labelProps={{ id: 'webhook-headers-label' }}
      description="Sent with every call (a token, say). A value is stored encrypted and never shown again; an environment variable is read by the Grove server when it calls."
    >
      <Stack gap={6} mt={6} role="group" aria-labelledby="webhook-headers-label">
        {rows.map((row, index) => {
          const label = `Header ${index + 1}`;
          return (
            <Group key={row.key} align="flex-start" wrap="nowrap" gap="sm" data-testid={`webhook-header-${index + 1}`}>
              <TextInput
                label="Name"
                aria-label={`${label} name`}
                placeholder="Authorization"
                value={row.name}
                onChange={(event) => replace({ ...row, name: event.currentTarget.value })}
                error={problems[row.key]?.name}
                autoFocus={row.key === added}
                w="28%"
              />
              {row.source === 'value' ? (
                <PasswordInput
                  label="Value"
                  aria-label={`${label} value`}
                  placeholder={row.stored ? `stored, ends in ${row.stored.last4}` : 'the value'}
                  // a problem says what is wrong with the value: the note would contradict it
                  description={problems[row.key]?.value ? undefined : storedNote(row)}
                  inputWrapperOrder={['label', 'input', 'description', 'error']}
                  value={row.value}
                  onChange={(event) => replace({ ...row, value: event.currentTarget.value })}
                  error={problems[row.key]?.value}
                  autoComplete="off"
                  style={{ flex: 1 }}
                />
              ) : (
                <TextInput
                  label="Variable"
                  aria-label={`${label} environment variable`}
                  placeholder="WEBHOOK_TOKEN"
                  value={row.env}
                  onChange={(event) => replace({ ...row, env: event.currentTarget.value })}
                  error={problems[row.key]?.value}
                  style={{ flex: 1 }}
                />
              )}
              <SegmentedControl mt={26} size="xs" aria-label={`${label} value from`} value={row.source} onChange={(source) => replace({ ...row, source: source as HeaderDraft['source'] })} data={SOURCES} />
              <ActionIcon mt={26} variant="subtle" color="gray" aria-label={`Remove ${label.toLowerCase()}${row.name.trim() ? `, ${row.name.trim()}` : ''}`} onClick={() => remove(row.key)}>
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          );
        })}
        <Button ref={addButton} variant="subtle" size="xs" w="fit-content" leftSection={<IconPlus size={14} aria-hidden />} onClick={add}>
          Add header
        </Button>
      </Stack>
    </Input.Wrapper>
  );
}
