import { Button, Group, SegmentedControl, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { METRIC_RANGES, type MetricRange } from '../../../../shared/metrics';
import { fromWallClock, toWallClock } from '../../time/wall-clock';

export const RANGE_LABELS: Record<MetricRange, string> = { '15m': 'last 15 minutes', '1h': 'last hour', '24h': 'last 24 hours', '7d': 'last 7 days' };

export interface CustomRange {
  /** the range shown now (epoch ms): the custom fields start from it */
  current: { from: number; to: number };
  onApply(from: number, to: number): void;
}

/**
 * The range presets, with the reporting time zone printed beside them: every figure below is in
 * it. With `custom`, a fifth choice opens From and To fields, read as wall-clock times in that zone.
 */
export function RangePicker({ value, onChange, timeZone, custom }: { value: MetricRange | 'custom'; onChange: (range: MetricRange) => void; timeZone: string; custom?: CustomRange }) {
  const [editing, setEditing] = useState(false);
  const choices = [...METRIC_RANGES.map((range) => ({ value: range, label: range })), ...(custom ? [{ value: 'custom', label: 'custom' }] : [])];
  const shown = editing ? 'custom' : value;
  return (
    <Group gap="sm" align="flex-end">
      <SegmentedControl
        aria-label="Range"
        size="xs"
        value={shown}
        onChange={(next) => {
          if (next === 'custom') return setEditing(true);
          setEditing(false);
          onChange(next as MetricRange);
        }}
        data={choices}
      />
      {custom && shown === 'custom' && <CustomFields custom={custom} timeZone={timeZone} onDone={() => setEditing(false)} />}
      <Text size="xs" c="dimmed">
        Times in {timeZone}
      </Text>
    </Group>
  );
}

function CustomFields({ custom, timeZone, onDone }: { custom: CustomRange; timeZone: string; onDone: () => void }) {
  const [from, setFrom] = useState(() => toWallClock(custom.current.from, timeZone));
  const [to, setTo] = useState(() => toWallClock(custom.current.to, timeZone));
  const start = fromWallClock(from, timeZone);
  const end = fromWallClock(to, timeZone);
  const problem = start === null ? 'Give a start date and time' : end === null ? 'Give an end date and time' : start >= end ? 'The start must be before the end' : null;
  return (
    <Group
      gap="xs"
      align="flex-end"
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (problem || start === null || end === null) return;
        custom.onApply(start, end);
        onDone();
      }}
    >
      <TextInput size="xs" type="datetime-local" label={`From (${timeZone})`} value={from} onChange={(event) => setFrom(event.currentTarget.value)} />
      <TextInput size="xs" type="datetime-local" label={`To (${timeZone})`} value={to} onChange={(event) => setTo(event.currentTarget.value)} error={problem ?? undefined} />
      <Button size="xs" type="submit" disabled={problem !== null}>
        Apply range
      </Button>
    </Group>
  );
}
