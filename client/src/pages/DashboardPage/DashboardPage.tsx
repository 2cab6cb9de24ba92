import { Alert, Anchor, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { LIFECYCLES } from '../../../../shared/objects';
import { describeError } from '../../api/errors';
import { LifecycleBadge } from '../../components/LifecycleBadge/LifecycleBadge';
import { useModelList } from '../../models/queries';

export function DashboardPage() {
  const models = useModelList({});
  const items = models.data ?? [];
  const providers = new Set(items.map((model) => model.spec.provider));

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Dashboard</Title>
        <Text c="dimmed" size="sm">
          The registry at a glance.
        </Text>
      </div>
      {models.isError ? (
        <Alert color="red" role="alert" title="Could not load the registry">
          {describeError(models.error)}
        </Alert>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }}>
          <Paper withBorder p="md">
            <Text size="sm" c="dimmed">
              Models
            </Text>
            {models.isPending ? <Skeleton h={32} mt={4} /> : <Text fz={28} fw={700}>{items.length}</Text>}
            <Text size="xs" c="dimmed">
              from {providers.size} {providers.size === 1 ? 'provider' : 'providers'}
            </Text>
          </Paper>
          {LIFECYCLES.map((lifecycle) => (
            <Paper withBorder p="md" key={lifecycle}>
              <Group justify="space-between">
                <LifecycleBadge lifecycle={lifecycle} size="sm" />
              </Group>
              {models.isPending ? (
                <Skeleton h={32} mt={4} />
              ) : (
                <Anchor component={Link} to={`/models?lifecycle=${lifecycle}`} fz={28} fw={700} aria-label={`${items.filter((model) => model.spec.lifecycle === lifecycle).length} ${lifecycle} models`}>
                  {items.filter((model) => model.spec.lifecycle === lifecycle).length}
                </Anchor>
              )}
            </Paper>
          ))}
        </SimpleGrid>
      )}
      <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} aria-hidden />} title="Traffic, latency and cost">
        Live request rates, latency percentiles, cost and failover events arrive with the monitoring work. Until then this page shows the registry only.
      </Alert>
    </Stack>
  );
}
