import { Button, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { Problem } from '../../wizard/draft';
import type { RuleInput } from '../../routing/policy-edit';
import { RuleCard } from './RuleCard';

/** What the rule editors offer: names from the registry and the key list. */
export interface RuleOptions {
  requestableNames: string[];
  modelIds: string[];
  capabilityNames: string[];
  apiKeyIds: string[];
}

interface RuleListProps {
  rules: RuleInput[];
  problems: Problem[];
  options: RuleOptions;
  onMove(from: number, to: number): void;
  onChange(index: number, rule: RuleInput): void;
  onRemove(index: number): void;
  onAdd(): void;
}

/**
 * The rules in the order the router tries them. Reordered by dragging a card's handle (native
 * drag and drop) or by keyboard (the handle's arrow keys, or the move buttons); each move is
 * announced in a polite live region and focus stays on the moved rule's handle.
 */
export function RuleList({ rules, problems, options, onMove, onChange, onRemove, onAdd }: RuleListProps) {
  const [expanded, setExpanded] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [focusHandle, setFocusHandle] = useState<number | null>(null);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusHandle === null) return;
    list.current?.querySelector<HTMLElement>(`[data-rule-handle="${focusHandle}"]`)?.focus();
    setFocusHandle(null);
  }, [focusHandle]);

  const move = (from: number, to: number) => {
    if (to < 0 || to >= rules.length || from === to) return;
    const name = rules[from]!.name;
    // priorities are handed out again from the top, so the moved rule takes the one at its new place
    const priority = [...rules.map((rule) => rule.priority)].sort((a, b) => b - a)[to];
    onMove(from, to);
    setExpanded((open) => (open === null ? null : open === from ? to : open > from && open <= to ? open - 1 : open < from && open >= to ? open + 1 : open));
    setAnnouncement(`Moved rule ${name} to position ${to + 1} of ${rules.length}, priority ${priority}.`);
    setFocusHandle(to);
  };

  return (
    <Stack gap="sm">
      <VisuallyHidden role="status" aria-live="polite" aria-atomic>
        {announcement}
      </VisuallyHidden>
      {rules.length === 0 ? (
        <Text size="sm" c="dimmed">
          No rules: every request takes the default route below.
        </Text>
      ) : (
        <Stack ref={list} renderRoot={(props) => <ol {...props} />} gap="sm" p={0} m={0} aria-label="Rules, highest priority first">
          {rules.map((rule, index) => (
            <RuleCard
              key={index}
              rule={rule}
              index={index}
              count={rules.length}
              expanded={expanded === index}
              dropTarget={over === index && dragged !== null && dragged !== index}
              problems={problems}
              options={options}
              onToggle={() => setExpanded((open) => (open === index ? null : index))}
              onChange={(changed) => onChange(index, changed)}
              onMove={(to) => move(index, to)}
              onRemove={() => {
                setExpanded(null);
                onRemove(index);
                setAnnouncement(`Removed rule ${rule.name}.`);
              }}
              onDragStart={(event) => {
                event.dataTransfer.effectAllowed = 'move';
                // Firefox starts a drag only when some data is set
                event.dataTransfer.setData('text/plain', rule.name);
                setDragged(index);
              }}
              onDragOver={(event) => {
                if (dragged === null) return;
                event.preventDefault();
                event.dataTransfer.dropEffect = 'move';
                setOver(index);
              }}
              onDrop={(event) => {
                event.preventDefault();
                if (dragged !== null) move(dragged, index);
                setDragged(null);
                setOver(null);
              }}
              onDragEnd={() => {
                setDragged(null);
                setOver(null);
              }}
            />
          ))}
        </Stack>
      )}
      <Button
        variant="light"
        w="fit-content"
        leftSection={<IconPlus size={16} aria-hidden />}
        onClick={() => {
          onAdd();
          setExpanded(rules.length);
        }}
      >
        Add a rule
      </Button>
    </Stack>
  );
}
