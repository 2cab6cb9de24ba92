import { Alert, Anchor, Button, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { AlertRuleObject } from '../../../../shared/alerts';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { alertEpisodes, conditionText, formatMetricValue, momentLinks, type AlertEpisode } from '../../alerts/alert-format';
import { AlertRuleForm } from '../../components/AlertRuleForm/AlertRuleForm';
import { ConsoleModal } from '../../components/ConsoleModal/ConsoleModal';
import { StatusBadge } from '../../components/StatusBadge/StatusBadge';
import { formatDecisionTime } from '../../models/decision-format';
import { useModelList } from '../../models/queries';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { formatClock } from '../../time/reporting-zone';

/** alerts.list is this instance's live evaluation, every second: polled a little slower than that. */
const REFRESH_MS = 3_000;

type Editing = { mode: 'create' } | { mode: 'edit'; rule: AlertRuleObject } | null;

function MomentLinks({ episode, now }: { episode: AlertEpisode; now: number }) {
  const links = momentLinks(episode, now);
  const what = `${episode.alert} ${episode.firedAt ? 'fired' : 'resolved'} at ${episode.firedAt ?? episode.resolvedAt}`;
  return (
    <Group gap="sm" wrap="nowrap">
      <Anchor component={Link} to={links.chart} size="sm" aria-label={`Chart of ${what}`}>
        Chart
      </Anchor>
      <Anchor component={Link} to={links.decisions} size="sm" aria-label={`Decisions of ${what}`}>
        Decisions
      </Anchor>
    </Group>
  );
}

/** Alert rules (created, edited and deleted here), the alerts firing now, and the recent fires and resolves. */
export function AlertsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { timeZone } = useReportingTimeZone();
  const state = useQuery({ ...trpc.alerts.list.queryOptions(), refetchInterval: REFRESH_MS });
  const rules = useQuery(trpc.alerts.rules.queryOptions());
  const models = useModelList({});
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<AlertRuleObject | null>(null);
  const remove = useMutation(
    trpc.alerts.delete.mutationOptions({
      onSuccess: (_, { id }) => {
        setDeleting(null);
        notifications.show({ color: 'teal', title: 'Rule deleted', message: `${id} no longer watches anything.` });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Not deleted', message: describeError(error), autoClose: 10_000 }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() }),
    }),
  );

  const at = (iso: string) => formatDecisionTime(Date.parse(iso), timeZone);
  const stateOf = new Map((state.data?.items ?? []).map((item) => [item.alert, item]));
  const firing = (state.data?.items ?? []).filter((item) => item.state !== 'ok');
  const episodes = alertEpisodes(state.data?.history ?? []);
  const now = state.dataUpdatedAt || Date.now();

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Alerts</Title>
          <Text c="dimmed" size="sm">
            Rules on the live figures of a model or of all models; a rule fires when its condition holds, and tells its webhook.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing({ mode: 'create' })}>
          New rule
        </Button>
      </Group>

      <ConsoleModal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === 'edit' ? `Edit alert rule ${editing.rule.metadata.id}` : 'New alert rule'} size="lg" closeOnClickOutside={false}>
        {editing && (
          <AlertRuleForm
            rule={editing.mode === 'edit' ? editing.rule : undefined}
            modelIds={(models.data ?? []).map((model) => model.metadata.id)}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              setEditing(null);
              notifications.show({ color: 'teal', title: 'Rule saved', message: `${saved.metadata.id}, revision ${saved.status.revision}: ${conditionText({ ...saved.spec, model: saved.spec.model ?? null })}.` });
            }}
          />
        )}
      </ConsoleModal>
      <ConsoleModal opened={deleting !== null} onClose={() => setDeleting(null)} title={`Delete alert rule ${deleting?.metadata.id ?? ''}?`} size="md">
        {deleting && (
          <Stack gap="md">
            <Text size="sm">It stops watching {conditionText({ ...deleting.spec, model: deleting.spec.model ?? null })}. Its history stays in the list below; its webhook is told if it was firing.</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDeleting(null)}>
                Keep it
              </Button>
              <Button color="red.9" loading={remove.isPending} onClick={() => remove.mutate({ id: deleting.metadata.id, revision: deleting.status.revision })}>
                Delete
              </Button>
            </Group>
          </Stack>
        )}
      </ConsoleModal>

      <section aria-labelledby="alerts-firing">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h4" id="alerts-firing">
            Firing now
          </Title>
          {state.data && (
            <Text size="xs" c="dimmed" data-testid="alerts-as-of">
              as of {formatClock(state.dataUpdatedAt, timeZone)} ({timeZone}) · instance {state.data.instance} · refreshed every {REFRESH_MS / 1000} s
            </Text>
          )}
        </Group>
        {state.isPending ? (
          <Skeleton h={48} aria-label="Loading the alerts' state" />
        ) : state.isError ? (
          <Alert color="red" role="alert" title="Could not load the alerts' state" icon={<IconAlertCircle size={18} aria-hidden />}>
            {describeError(state.error)}
          </Alert>
        ) : firing.length === 0 ? (
          <Text c="dimmed" size="sm" role="status">
            Nothing is firing.
          </Text>
        ) : (
          <Stack gap="xs" aria-live="polite">
            {firing.map((item) => (
              <Paper withBorder p="sm" key={item.alert} data-testid={`firing-${item.alert}`}>
                <Group justify="space-between" wrap="nowrap">
                  <div>
                    <Group gap="xs">
                      <StatusBadge tone={item.state === 'firing' ? 'bad' : 'warn'}>{item.state}</StatusBadge>
                      <Text fw={600}>{item.alert}</Text>
                    </Group>
                    <Text size="sm">
                      {conditionText(item)} · now {formatMetricValue(item.metric, item.value)}
                      {item.since ? ` · since ${at(item.since)}` : ''}
                    </Text>
                  </div>
                  {item.since && <MomentLinks episode={{ ...item, firedAt: item.since, resolvedAt: null, firedValue: item.value, resolvedValue: null, instance: state.data.instance }} now={now} />}
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </section>

      <section aria-labelledby="alerts-rules">
        <Title order={3} size="h4" id="alerts-rules" mb="xs">
          Rules
        </Title>
        <Paper withBorder p={0}>
          {rules.isPending ? (
            <Skeleton h={96} aria-label="Loading the rules" />
          ) : rules.isError ? (
            <Alert m="md" color="red" role="alert" title="Could not load the rules">
              {describeError(rules.error)}
            </Alert>
          ) : rules.data.items.length === 0 ? (
            <Text p="lg" ta="center" c="dimmed">
              No alert rules yet: use New rule, or grove apply -f with kind AlertRule.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table aria-label="Alert rules" fz="sm" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Rule</Table.Th>
                    <Table.Th scope="col">Condition</Table.Th>
                    <Table.Th scope="col">Webhook</Table.Th>
                    <Table.Th scope="col">State</Table.Th>
                    <Table.Th scope="col">Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rules.data.items.map((rule) => {
                    const live = stateOf.get(rule.metadata.id);
                    return (
                      <Table.Tr key={rule.metadata.id}>
                        <Table.Td ff="monospace">{rule.metadata.id}</Table.Td>
                        <Table.Td>{conditionText({ ...rule.spec, model: rule.spec.model ?? null })}</Table.Td>
                        <Table.Td style={{ wordBreak: 'break-all' }}>{rule.spec.webhook?.url ?? <Text span c="dimmed" inherit>none</Text>}</Table.Td>
                        <Table.Td>
                          {live ? (
                            <StatusBadge tone={live.state === 'firing' ? 'bad' : live.state === 'pending' ? 'warn' : 'good'}>{live.state}</StatusBadge>
                          ) : (
                            <Text span c="dimmed" size="sm">
                              not evaluated yet
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            <Button size="compact-sm" variant="default" onClick={() => setEditing({ mode: 'edit', rule })} aria-label={`Edit ${rule.metadata.id}`}>
                              Edit
                            </Button>
                            <Button size="compact-sm" variant="default" color="red.9" onClick={() => setDeleting(rule)} aria-label={`Delete ${rule.metadata.id}`}>
                              Delete
                            </Button>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      </section>

      <section aria-labelledby="alerts-recent">
        <Title order={3} size="h4" id="alerts-recent" mb="xs">
          Recent alerts
        </Title>
        {state.data && episodes.length === 0 ? (
          <Text c="dimmed" size="sm">
            No alert has fired since this instance started.
          </Text>
        ) : state.data ? (
          <Paper withBorder p={0}>
            <Table.ScrollContainer minWidth={760}>
              <Table aria-label="Recent alerts" fz="sm" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Rule</Table.Th>
                    <Table.Th scope="col">Fired ({timeZone})</Table.Th>
                    <Table.Th scope="col">Value that crossed</Table.Th>
                    <Table.Th scope="col">Resolved ({timeZone})</Table.Th>
                    <Table.Th scope="col">Its moment</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {episodes.map((episode) => (
                    <Table.Tr key={`${episode.alert}-${episode.instance}-${episode.firedAt ?? episode.resolvedAt}`}>
                      <Table.Td>
                        <Text span ff="monospace" inherit>
                          {episode.alert}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {episode.model ?? 'all models'} · threshold {formatMetricValue(episode.metric, episode.threshold)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{episode.firedAt ? at(episode.firedAt) : 'before the history kept'}</Table.Td>
                      <Table.Td>{episode.firedAt ? formatMetricValue(episode.metric, episode.firedValue) : '—'}</Table.Td>
                      <Table.Td>{episode.resolvedAt ? `${at(episode.resolvedAt)} (at ${formatMetricValue(episode.metric, episode.resolvedValue)})` : <StatusBadge tone="bad">still firing</StatusBadge>}</Table.Td>
                      <Table.Td>
                        <MomentLinks episode={episode} now={now} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        ) : null}
      </section>
    </Stack>
  );
}
