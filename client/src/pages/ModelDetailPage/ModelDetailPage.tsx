import { Alert, Anchor, Breadcrumbs, Group, Paper, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { describeError, errorCode } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { holdsDemoTraffic } from '../../models/demo-traffic';
import { useModel } from '../../models/queries';
import { LifecycleActions } from '../../components/LifecycleActions/LifecycleActions';
import { DemoBadge } from '../../components/DemoBadge/DemoBadge';
import { LifecycleBadge } from '../../components/LifecycleBadge/LifecycleBadge';
import { ModelSpecFields } from '../../components/ModelSpecFields/ModelSpecFields';
import { RevisionHistory } from '../../components/RevisionHistory/RevisionHistory';
import { SpecSource } from '../../components/SpecSource/SpecSource';
import { CapabilityChart } from '../../components/CapabilityChart/CapabilityChart';
import { ModelMetrics } from '../../components/ModelMetrics/ModelMetrics';
import { RecentDecisions } from '../../components/RecentDecisions/RecentDecisions';
import { TryIt } from '../../components/TryIt/TryIt';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';

export function ModelDetailPage() {
  const trpc = useTRPC();
  const { timeZone, format } = useReportingTimeZone();
  const { id = '' } = useParams();
  const model = useModel(id);
  const info = useQuery(trpc.system.info.queryOptions());

  const crumbs = (
    <Breadcrumbs aria-label="Breadcrumb">
      <Anchor component={Link} to="/models" size="sm">
        Models
      </Anchor>
      <Text size="sm" ff="monospace">
        {id}
      </Text>
    </Breadcrumbs>
  );

  if (model.isPending) {
    return (
      <Stack>
        {crumbs}
        <Skeleton height={40} width={320} />
        <Skeleton height={240} />
      </Stack>
    );
  }
  if (model.isError) {
    const notFound = errorCode(model.error) === 'NOT_FOUND';
    return (
      <Stack>
        {crumbs}
        <Alert color={notFound ? 'gray' : 'red'} role="alert" title={notFound ? 'No such model' : 'Could not load the model'}>
          {notFound ? `There is no model with the id "${id}".` : describeError(model.error)}{' '}
          <Anchor component={Link} to="/models">
            Back to the models
          </Anchor>
        </Alert>
      </Stack>
    );
  }

  const { metadata, spec, status } = model.data;
  return (
    <Stack gap="lg">
      {crumbs}
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{metadata.title ?? metadata.id}</Title>
            <LifecycleBadge lifecycle={spec.lifecycle} size="lg" />
            <DemoBadge metadata={metadata} size="lg" />
          </Group>
          <Text size="sm" c="dimmed">
            <Text span ff="monospace" inherit>
              {metadata.id}
            </Text>{' '}
            · revision {status.revision} · updated <time dateTime={status.updatedAt}>{format(status.updatedAt)}</time>
          </Text>
          {metadata.description && <Text size="sm">{metadata.description}</Text>}
        </Stack>
        <LifecycleActions model={model.data} />
      </Group>
      {spec.lifecycle === 'deprecated' && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />} title="Deprecated">
          This model is only used as a fallback. Move traffic to another model, then retire it.
        </Alert>
      )}
      {spec.lifecycle === 'retired' && (
        <Alert color="red" variant="light" icon={<IconArrowBackUp size={18} aria-hidden />} title="Retired">
          This model gets no traffic; requests that name it go to{' '}
          {spec.replacement ? (
            <Anchor component={Link} to={`/models/${encodeURIComponent(spec.replacement)}`} ff="monospace">
              {spec.replacement}
            </Anchor>
          ) : (
            'its replacement'
          )}
          .
        </Alert>
      )}
      <Paper withBorder p="md">
        <Tabs defaultValue="overview" keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="overview">Overview</Tabs.Tab>
            <Tabs.Tab value="metrics">Metrics</Tabs.Tab>
            <Tabs.Tab value="decisions">Decisions</Tabs.Tab>
            <Tabs.Tab value="try">Try it</Tabs.Tab>
            <Tabs.Tab value="source">YAML / JSON</Tabs.Tab>
            <Tabs.Tab value="history">History</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="overview">
            <Stack gap="md">
              <ModelSpecFields model={model.data} />
              <CapabilityChart scores={spec.capabilities} />
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="metrics">
            <ModelMetrics modelId={metadata.id} demo={holdsDemoTraffic(info.data, model.data, false)} />
          </Tabs.Panel>
          <Tabs.Panel value="decisions">
            <RecentDecisions modelId={metadata.id} timeZone={timeZone} />
          </Tabs.Panel>
          <Tabs.Panel value="try">
            <TryIt modelId={metadata.id} />
          </Tabs.Panel>
          <Tabs.Panel value="source">
            <SpecSource model={model.data} />
          </Tabs.Panel>
          <Tabs.Panel value="history">
            <RevisionHistory modelId={metadata.id} currentRevision={status.revision} />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}
