import { ActionIcon, Button, Group, Menu, NumberInput, Paper, SimpleGrid, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Problem } from '../../wizard/draft';
import { asNames, compact, exactError, fieldError, fromNames, type ConditionInput } from '../../routing/policy-edit';
import { GroupError } from '../GroupError/GroupError';

type ConditionKey = keyof ConditionInput;

/** The conditions a rule can have, in the order docs/routing-policy.md lists them, each with what it starts as when added. */
const CONDITIONS: ReadonlyArray<{ key: ConditionKey; label: string; start: ConditionInput[ConditionKey] }> = [
  { key: 'model', label: 'Requested model or alias', start: [] },
  { key: 'taskType', label: 'Task type', start: [] },
  { key: 'tags', label: 'Tags', start: { any: [] } },
  { key: 'promptTokens', label: 'Prompt size', start: {} },
  { key: 'apiKey', label: 'API key', start: [] },
  { key: 'headers', label: 'Headers', start: { '': [] } },
];

const BOUNDS = [
  { key: 'gt', label: 'more than' },
  { key: 'gte', label: 'at least' },
  { key: 'lt', label: 'less than' },
  { key: 'lte', label: 'at most' },
] as const;

const numberOrAbsent = (value: string | number) => (typeof value === 'number' ? value : undefined);

interface ConditionBuilderProps {
  /** the rule's name, so that every field's accessible name says which rule it edits */
  ruleName: string;
  when: ConditionInput;
  onChange(when: ConditionInput): void;
  problems: Problem[];
  /** `spec.rules[0].when` */
  path: string;
  /** model ids, their aliases and `auto`: what a request can name */
  requestableNames: string[];
  apiKeyIds: string[];
}

/** A rule's `when`: every condition present must hold; a list inside one matches any of its entries. */
export function ConditionBuilder({ ruleName, when, onChange, problems, path, requestableNames, apiKeyIds }: ConditionBuilderProps) {
  const set = <K extends ConditionKey>(key: K, value: ConditionInput[K] | undefined) => onChange(compact({ ...when, [key]: value }));
  const absent = CONDITIONS.filter((condition) => when[condition.key] === undefined);
  const error = (key: string) => fieldError(problems, `${path}.${key}`);

  const row = (key: ConditionKey, label: string, body: ReactNode) => (
    <Paper key={key} withBorder p="xs" radius="sm">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1 }}>
          {body}
        </Stack>
        <ActionIcon variant="subtle" color="gray" onClick={() => set(key, undefined)} aria-label={`Remove the ${label.toLowerCase()} condition of rule ${ruleName}`}>
          <IconTrash size={16} aria-hidden />
        </ActionIcon>
      </Group>
    </Paper>
  );

  const names = (key: 'model' | 'taskType' | 'apiKey', label: string, data: string[], placeholder: string) =>
    row(
      key,
      label,
      <TagsInput
        label={label}
        description="matches any of these; press Enter after each"
        placeholder={placeholder}
        data={data}
        value={asNames(when[key])}
        onChange={(value) => set(key, fromNames(value))}
        error={error(key)}
        clearable
        acceptValueOnBlur
        aria-label={`${label} of rule ${ruleName}`}
      />,
    );

  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        When: {Object.keys(when).length === 0 ? 'every request (no condition)' : 'all of these hold'}
      </Text>
      {when.model !== undefined && names('model', 'Requested model or alias', requestableNames, 'auto, a model id or an alias')}
      {when.taskType !== undefined && names('taskType', 'Task type', [], 'e.g. summarize')}
      {when.tags !== undefined &&
        row(
          'tags',
          'Tags',
          <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {(['any', 'all'] as const).map((mode) => (
              <TagsInput
                key={mode}
                label={`Tags: ${mode} of`}
                aria-label={`Tags, ${mode} of, for rule ${ruleName}`}
                placeholder="a tag, then Enter"
                value={when.tags?.[mode] ?? []}
                onChange={(value) => set('tags', compact({ ...when.tags, [mode]: value.length ? value : undefined }))}
                error={fieldError(problems, `${path}.tags.${mode}`)}
                acceptValueOnBlur
              />
            ))}
          </SimpleGrid>
          <GroupError message={exactError(problems, `${path}.tags`)} />
          </>,
        )}
      {when.promptTokens !== undefined &&
        row(
          'promptTokens',
          'Prompt size',
          <>
            <Text size="sm" fw={500}>
              Prompt size, in estimated tokens
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              {BOUNDS.map((bound) => (
                <NumberInput
                  key={bound.key}
                  label={bound.label}
                  aria-label={`Prompt tokens ${bound.label} (${bound.key}), rule ${ruleName}`}
                  value={when.promptTokens?.[bound.key] ?? ''}
                  onChange={(value) => set('promptTokens', compact({ ...when.promptTokens, [bound.key]: numberOrAbsent(value) }))}
                  error={fieldError(problems, `${path}.promptTokens.${bound.key}`)}
                  thousandSeparator=","
                />
              ))}
            </SimpleGrid>
            <GroupError message={exactError(problems, `${path}.promptTokens`)} />
          </>,
        )}
      {when.apiKey !== undefined && names('apiKey', 'API key', apiKeyIds, 'the key id, key_…')}
      {when.headers !== undefined &&
        row(
          'headers',
          'Headers',
          <HeaderConditions ruleName={ruleName} headers={when.headers} onChange={(headers) => set('headers', headers)} problems={problems} path={`${path}.headers`} />,
        )}
      {absent.length > 0 && (
        <Menu position="bottom-start" withinPortal={false}>
          <Menu.Target>
            <Button variant="light" size="xs" leftSection={<IconPlus size={14} aria-hidden />} w="fit-content" aria-label={`Add a condition to rule ${ruleName}`}>
              Add condition
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {absent.map((condition) => (
              <Menu.Item key={condition.key} onClick={() => set(condition.key, condition.start)}>
                {condition.label}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
    </Stack>
  );
}

type Headers = NonNullable<ConditionInput['headers']>;

/** Header name → accepted values; renaming keeps the order of the rows. */
function HeaderConditions({ ruleName, headers, onChange, problems, path }: { ruleName: string; headers: Headers; onChange(headers: Headers): void; problems: Problem[]; path: string }) {
  const entries = Object.entries(headers);
  const replace = (index: number, name: string, value: string | string[]) => onChange(Object.fromEntries(entries.map((entry, position) => (position === index ? [name, value] : entry))));
  return (
    <Stack gap={4}>
      {entries.map(([name, value], index) => (
        <Group key={index} align="flex-start" wrap="nowrap">
          <TextInput
            label="Header name"
            aria-label={`Header ${index + 1} name, rule ${ruleName}`}
            value={name}
            onChange={(event) => replace(index, event.currentTarget.value, value)}
            error={fieldError(problems, `${path}.${name}`)}
            placeholder="x-team"
          />
          <TagsInput
            label="is one of"
            aria-label={`Header ${index + 1} values, rule ${ruleName}`}
            value={asNames(value)}
            onChange={(values) => replace(index, name, fromNames(values))}
            placeholder="a value, then Enter"
            acceptValueOnBlur
            style={{ flex: 1 }}
          />
          <ActionIcon mt={26} variant="subtle" color="gray" aria-label={`Remove header ${index + 1} of rule ${ruleName}`} onClick={() => onChange(Object.fromEntries(entries.filter((_entry, position) => position !== index)))}>
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
      {/* a new row starts unnamed: one at a time, since a name is the row's key */}
      <Button variant="subtle" size="xs" w="fit-content" leftSection={<IconPlus size={14} aria-hidden />} disabled={'' in headers} onClick={() => onChange({ ...headers, '': [] })}>
        Add a header
      </Button>
    </Stack>
  );
}
