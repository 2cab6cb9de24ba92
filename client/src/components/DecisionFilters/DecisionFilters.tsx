import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { IconSearch, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { REQUEST_OUTCOMES } from '../../../../shared/decision';
import { hasDecisionFilters, NO_FILTERS, type DecisionFilters as Filters, type RequestOutcome } from '../../decisions/filters';
import { formatZonedInput, parseZonedInput } from '../../decisions/zoned-time';

export interface DecisionFiltersProps {
  value: Filters;
  onChange(next: Filters): void;
  modelIds: string[];
  ruleNames: string[];
  timeZone: string;
}

const QUICK_RANGES = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
  { label: '7 d', ms: 7 * 86_400_000 },
] as const;

/** Keeps the value a link or the URL gave in the options, so that a filter is never shown as empty while it applies. */
function withCurrent(options: string[], current: string | null): string[] {
  return current && !options.includes(current) ? [current, ...options] : options;
}

/**
 * A time typed in the reporting zone, applied when it parses (on Enter or leaving the field);
 * what does not parse stays in the field with the reason beside it, and the filter is unchanged.
 */
function ZonedTimeInput({ label, value, timeZone, onChange }: { label: string; value: string | null; timeZone: string; onChange(iso: string | null): void }) {
  const shown = value ? formatZonedInput(Date.parse(value), timeZone) : '';
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(shown);
    setError(null);
  }, [shown]);
  const apply = () => {
    if (text.trim() === '') {
      setError(null);
      if (value !== null) onChange(null);
      return;
    }
    const epoch = parseZonedInput(text, timeZone);
    if (epoch === null) {
      setError('Write it as YYYY-MM-DD HH:mm');
      return;
    }
    setError(null);
    const iso = new Date(epoch).toISOString();
    if (iso !== value) onChange(iso);
  };
  return (
    <TextInput
      label={`${label} (${timeZone})`}
      placeholder="YYYY-MM-DD HH:mm"
      value={text}
      error={error}
      onChange={(event) => setText(event.currentTarget.value)}
      onBlur={apply}
      onKeyDown={(event) => {
        if (event.key === 'Enter') apply();
      }}
      w={210}
    />
  );
}

/** The Decisions page's filters: a model (served or attempted), outcome, rule, a time range in the reporting zone, and a search. */
export function DecisionFilters({ value, onChange, modelIds, ruleNames, timeZone }: DecisionFiltersProps) {
  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch });
  return (
    <Stack gap="xs" role="search" aria-label="Filter decisions">
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="decision id, model or rule"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={value.q}
          onChange={(event) => set({ q: event.currentTarget.value })}
          w={240}
        />
        <Select
          label="Model"
          description="served or attempted"
          placeholder="Any model"
          data={withCurrent(modelIds, value.model)}
          value={value.model}
          onChange={(model) => set({ model })}
          searchable
          clearable
          w={190}
        />
        <Select
          label="Outcome"
          placeholder="Any outcome"
          data={REQUEST_OUTCOMES.map((outcome) => ({ value: outcome, label: outcome }))}
          value={value.outcome}
          onChange={(outcome) => set({ outcome: outcome as RequestOutcome | null })}
          clearable
          w={150}
        />
        <Select label="Rule" placeholder="Any rule" data={withCurrent(ruleNames, value.rule)} value={value.rule} onChange={(rule) => set({ rule })} searchable clearable w={190} />
      </Group>
      <Group align="flex-end" gap="sm">
        <ZonedTimeInput label="From" value={value.from} timeZone={timeZone} onChange={(from) => set({ from })} />
        <ZonedTimeInput label="To" value={value.to} timeZone={timeZone} onChange={(to) => set({ to })} />
        <Group gap={4} role="group" aria-label="Quick ranges">
          {QUICK_RANGES.map((range) => (
            <Button key={range.label} variant="default" size="sm" aria-label={`Last ${range.label}`} onClick={() => set({ from: new Date(Date.now() - range.ms).toISOString(), to: null })}>
              Last {range.label}
            </Button>
          ))}
        </Group>
        {hasDecisionFilters(value) && (
          <Button variant="subtle" leftSection={<IconX size={16} aria-hidden />} onClick={() => onChange(NO_FILTERS)}>
            Clear filters
          </Button>
        )}
      </Group>
    </Stack>
  );
}
