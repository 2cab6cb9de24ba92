import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { memo } from 'react';
import { Link } from 'react-router';
import type { ModelItem } from '../../api/types';
import { formatValue, significant } from '../../charts/units';
import { DemoBadge } from '../DemoBadge/DemoBadge';
import { HealthBadge, type HealthState } from '../HealthBadge/HealthBadge';
import { LifecycleBadge } from '../LifecycleBadge/LifecycleBadge';
import { Sparkline } from '../Sparkline/Sparkline';

export interface ModelCardProps {
  model: ModelItem;
  circuit: HealthState;
  /** live p95 per second, oldest first */
  p95: Array<number | null>;
  latestP95: number | null;
  costPerMinute: number | null;
}

/** A model at a glance: lifecycle and health in words and icons, its strongest capabilities, live p95 and cost. */
export const ModelCard = memo(function ModelCard({ model, circuit, p95, latestP95, costPerMinute }: ModelCardProps) {
  const { metadata, spec } = model;
  const strongest = Object.entries(spec.capabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return (
    <Paper withBorder p="md" component="article" aria-label={`Model ${metadata.id}`} data-model-card={metadata.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/models/${encodeURIComponent(metadata.id)}`} fw={600} truncate>
            {metadata.title ?? metadata.id}
          </Anchor>
          <Text size="xs" c="dimmed" ff="monospace">
            {spec.provider}
          </Text>
        </Group>
        <Group gap={6}>
          <LifecycleBadge lifecycle={spec.lifecycle} size="sm" />
          <HealthBadge circuit={circuit} />
          <DemoBadge metadata={metadata} size="sm" />
        </Group>
        <Text size="xs" c="dimmed">
          Strongest: {strongest.map(([name, score]) => `${name} ${score}`).join(' · ')}
        </Text>
        <Sparkline label={`Live p95 latency of ${metadata.id}`} values={p95} />
        <Group justify="space-between">
          <Text size="xs">
            p95 (live):{' '}
            <Text span fw={600} inherit data-live-p95>
              {formatValue(latestP95, 'ms')}
            </Text>
          </Text>
          <Text size="xs">
            cost:{' '}
            <Text span fw={600} inherit>
              {costPerMinute === null ? 'no data' : `$${significant(costPerMinute, 4)}/min`}
            </Text>{' '}
            <Text span c="dimmed" inherit>
              (est., last 60 s)
            </Text>
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
});
