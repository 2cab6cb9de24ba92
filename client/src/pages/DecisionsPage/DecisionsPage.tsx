import { Alert, Button, Group, Modal, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconRefresh } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { DecisionDetail } from '../../components/DecisionDetail/DecisionDetail';
import { DecisionFilters } from '../../components/DecisionFilters/DecisionFilters';
import { DecisionsTable } from '../../components/DecisionsTable/DecisionsTable';
import { decisionFiltersToParams, hasDecisionFilters, parseDecisionFilters, toDecisionListInput, type DecisionFilters as Filters } from '../../decisions/filters';
import { formatDecisionTime } from '../../models/decision-format';
import { DIALOG_PROPS } from '../../models/dialog';
import { useModelList } from '../../models/queries';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { formatClock } from '../../time/reporting-zone';

const PAGE_SIZE = 50;

function describeRange(filters: Filters, timeZone: string): string {
  const at = (iso: string) => formatDecisionTime(Date.parse(iso), timeZone);
  if (filters.from && filters.to) return `from ${at(filters.from)} to ${at(filters.to)}`;
  if (filters.from) return `since ${at(filters.from)}`;
  if (filters.to) return `until ${at(filters.to)}`;
  return 'any time';
}

/**
 * Every logged routing decision, newest first, filtered by what the URL says (other pages link
 * here pre-filtered), a page at a time; `?id=` opens one over the list.
 */
export function DecisionsPage() {
  const trpc = useTRPC();
  const { timeZone } = useReportingTimeZone();
  const [params, setParams] = useSearchParams();
  const { filters, ignored } = parseDecisionFilters(params);
  const openId = params.get('id');
  // typing in the search box should not send a request per keystroke
  const [q] = useDebouncedValue(filters.q, 250);
  const input = toDecisionListInput({ ...filters, q });

  const decisions = useInfiniteQuery({
    ...trpc.decisions.list.infiniteQueryOptions({ ...input, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  });
  const models = useModelList({});
  const policies = useQuery(trpc.policies.list.queryOptions());
  const keys = useQuery(trpc.keys.list.queryOptions());
  const ruleNames = useMemo(() => [...new Set((policies.data?.items ?? []).flatMap((policy) => policy.spec.rules.map((rule) => rule.name)))].sort(), [policies.data]);
  const keyNames = useMemo(() => new Map((keys.data?.items ?? []).map((key) => [key.id, key.name])), [keys.data]);

  const setFilters = (next: Filters) => setParams(decisionFiltersToParams(next, openId), { replace: true });
  const open = (id: string | null) => setParams(decisionFiltersToParams(filters, id));
  const items = decisions.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = hasDecisionFilters(filters);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Decisions</Title>
          <Text c="dimmed" size="sm">
            Every request routed: who asked, the rule that matched, the models tried in order, who served and what it cost.
          </Text>
        </div>
        <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => void decisions.refetch()} loading={decisions.isFetching && !decisions.isFetchingNextPage}>
          Refresh
        </Button>
      </Group>
      <DecisionFilters value={filters} onChange={setFilters} modelIds={(models.data ?? []).map((model) => model.metadata.id)} ruleNames={ruleNames} timeZone={timeZone} />
      {ignored.length > 0 && (
        <Alert color="orange" title="Part of the link was ignored" role="status">
          {ignored.map((param) => `${param.name}="${param.value}" is not ${param.name === 'outcome' ? 'an outcome' : 'a time'}`).join('; ')}.
        </Alert>
      )}
      <Text size="sm" c="dimmed" data-testid="decisions-scope">
        {describeRange(filters, timeZone)} · times in {timeZone} · costs in USD, estimated from list prices · newest first
        {decisions.data && ` · ${items.length === 1 ? '1 decision' : `${items.length} decisions`} shown${decisions.hasNextPage ? ', more older' : ''} · as of ${formatClock(decisions.dataUpdatedAt, timeZone)}`}
      </Text>
      <Paper withBorder p={0} radius="md">
        {decisions.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading decisions">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} height={32} />
            ))}
          </Stack>
        ) : decisions.isError && items.length === 0 ? (
          <Alert m="md" color="red" icon={<IconAlertCircle size={18} aria-hidden />} title="Could not load the decisions" role="alert">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{describeError(decisions.error)}</Text>
              <Button size="xs" variant="default" onClick={() => void decisions.refetch()}>
                Try again
              </Button>
            </Stack>
          </Alert>
        ) : items.length === 0 ? (
          <Text p="xl" ta="center" c="dimmed" role="status">
            {filtered ? 'No decisions match these filters in this range.' : 'No decisions in this range: no request has been routed yet.'}
          </Text>
        ) : (
          <DecisionsTable items={items} timeZone={timeZone} keyNames={keyNames} onOpen={open} />
        )}
      </Paper>
      {decisions.isError && items.length > 0 && (
        <Alert color="red" role="alert" title="Could not load more decisions">
          {describeError(decisions.error)}
        </Alert>
      )}
      {decisions.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void decisions.fetchNextPage()} loading={decisions.isFetchingNextPage}>
            Load older
          </Button>
        </Group>
      )}
      <Modal opened={openId !== null} onClose={() => open(null)} title="Routing decision" size="xl" {...DIALOG_PROPS}>
        {openId && <DecisionDetail id={openId} timeZone={timeZone} />}
      </Modal>
    </Stack>
  );
}
