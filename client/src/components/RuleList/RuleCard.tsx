import { ActionIcon, Badge, Button, Collapse, Group, List, Paper, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconChevronDown, IconChevronRight, IconGripVertical, IconTrash } from '@tabler/icons-react';
import type { DragEvent, KeyboardEvent } from 'react';
import type { Problem } from '../../wizard/draft';
import { fieldError, problemsUnder, type RuleInput } from '../../routing/policy-edit';
import { describeCondition, describeRoute } from '../../routing/rule-text';
import { ConditionBuilder } from '../ConditionBuilder/ConditionBuilder';
import { RouteEditor } from '../RouteEditor/RouteEditor';
import type { RuleOptions } from './RuleList';

interface RuleCardProps {
  rule: RuleInput;
  index: number;
  count: number;
  expanded: boolean;
  /** a rule is being dragged over this one */
  dropTarget: boolean;
  problems: Problem[];
  options: RuleOptions;
  onToggle(): void;
  onChange(rule: RuleInput): void;
  onMove(to: number): void;
  onRemove(): void;
  onDragStart(event: DragEvent): void;
  onDragOver(event: DragEvent): void;
  onDrop(event: DragEvent): void;
  onDragEnd(): void;
}

/** One rule: its place in the order, a one-line summary, and (opened) its name, conditions and route. */
export function RuleCard({ rule, index, count, expanded, dropTarget, problems, options, onToggle, onChange, onMove, onRemove, onDragStart, onDragOver, onDrop, onDragEnd }: RuleCardProps) {
  const path = `spec.rules[${index}]`;
  const own = problemsUnder(problems, path);
  const label = rule.name || `rule ${index + 1}`;
  // the handle is the keyboard's drag: arrows move the rule, Home and End send it to either end
  const onHandleKey = (event: KeyboardEvent) => {
    const target = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: count - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    onMove(target);
  };
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      radius="md"
      onDragOver={onDragOver}
      onDrop={onDrop}
      data-rule={rule.name}
      style={{ listStyle: 'none', borderColor: dropTarget ? 'var(--mantine-color-blue-7)' : own.length ? 'var(--mantine-color-error)' : undefined, borderWidth: dropTarget ? 2 : undefined }}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="xs" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
          <Tooltip label="Drag, or focus and press ↑ ↓ Home End" withinPortal={false}>
            <ActionIcon
              variant="subtle"
              color="gray"
              draggable
              onDragStart={onDragStart}
              onDragEnd={onDragEnd}
              onKeyDown={onHandleKey}
              data-rule-handle={index}
              aria-label={`Reorder rule ${label}, position ${index + 1} of ${count}: press up or down arrow`}
              aria-keyshortcuts="ArrowUp ArrowDown Home End"
              style={{ cursor: 'grab' }}
            >
              <IconGripVertical size={18} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Text fw={600} ff="monospace" size="sm">
                {index + 1}. {label}
              </Text>
              <Badge variant="outline" color="gray.7" c="var(--mantine-color-text)" size="sm" title="higher is tried first">
                priority {rule.priority}
              </Badge>
              {own.length > 0 && (
                <Badge variant="outline" color="red.8" c="var(--mantine-color-text)" size="sm">
                  {own.length === 1 ? '1 problem' : `${own.length} problems`}
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              When {describeCondition(rule.when)} → {describeRoute(rule.route)}
            </Text>
          </Stack>
        </Group>
        <Group gap={4} wrap="nowrap">
          <ActionIcon variant="subtle" color="gray" disabled={index === 0} onClick={() => onMove(index - 1)} aria-label={`Move rule ${label} up`}>
            <IconArrowUp size={16} aria-hidden />
          </ActionIcon>
          <ActionIcon variant="subtle" color="gray" disabled={index === count - 1} onClick={() => onMove(index + 1)} aria-label={`Move rule ${label} down`}>
            <IconArrowDown size={16} aria-hidden />
          </ActionIcon>
          <Button
            variant="default"
            size="xs"
            onClick={onToggle}
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Close' : 'Edit'} rule ${label}`}
            leftSection={expanded ? <IconChevronDown size={14} aria-hidden /> : <IconChevronRight size={14} aria-hidden />}
          >
            {expanded ? 'Close' : 'Edit'}
          </Button>
          <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={`Remove rule ${label}`}>
            <IconTrash size={16} aria-hidden />
          </ActionIcon>
        </Group>
      </Group>
      {!expanded && <RuleProblems problems={own} path={path} label={`Problems of rule ${label}`} />}
      <Collapse expanded={expanded} transitionDuration={0}>
        {expanded && (
          <Stack gap="md" mt="md">
            <Group align="flex-start">
              <TextInput
                label="Name"
                aria-label={`Name of rule ${label}`}
                value={rule.name}
                onChange={(event) => onChange({ ...rule, name: event.currentTarget.value })}
                error={fieldError(problems, `${path}.name`)}
                w={280}
              />
              <TextInput label="Priority" value={String(rule.priority)} readOnly description="set by the order; exact numbers in YAML" error={fieldError(problems, `${path}.priority`)} w={200} />
            </Group>
            <ConditionBuilder
              ruleName={label}
              when={rule.when}
              onChange={(when) => onChange({ ...rule, when })}
              problems={problems}
              path={`${path}.when`}
              requestableNames={options.requestableNames}
              apiKeyIds={options.apiKeyIds}
            />
            <Text size="sm" fw={500}>
              Route
            </Text>
            <RouteEditor
              owner={`rule ${label}`}
              route={rule.route}
              onChange={(route) => onChange({ ...rule, route })}
              problems={problems}
              path={`${path}.route`}
              modelIds={options.modelIds}
              capabilityNames={options.capabilityNames}
            />
            <RuleProblems problems={own.filter((problem) => !SHOWN_BY_FIELDS.test(problem.path.slice(path.length + 1)))} path={path} label={`Other problems of rule ${label}`} />
          </Stack>
        )}
      </Collapse>
    </Paper>
  );
}

/** Paths (below a rule) that a field of the opened card shows beside itself. */
const SHOWN_BY_FIELDS = /^(name|priority|when\.(model|taskType|tags|promptTokens|apiKey|headers)|route\.(strategy|weights|minimums|models|split|maxPricePer1M|maxLatencyMs|chainLength|fillChain))\b/;

/**
 * A rule's problems as a list, each at its path below the rule: all of them on the closed card,
 * and on the opened one those no field shows (an unknown key in `when`, say): never dropped.
 */
function RuleProblems({ problems, path, label }: { problems: Problem[]; path: string; label: string }) {
  if (problems.length === 0) return null;
  return (
    <List size="xs" mt="xs" c="var(--mantine-color-error)" aria-label={label}>
      {problems.map((problem) => (
        <List.Item key={`${problem.path}:${problem.message}`}>
          <code>{problem.path.slice(path.length + 1) || 'rule'}</code>: {problem.message}
        </List.Item>
      ))}
    </List>
  );
}
