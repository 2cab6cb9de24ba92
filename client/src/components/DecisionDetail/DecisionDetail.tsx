import { Alert, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { EXCLUSION_TEXT, formatRequestCost } from '../../models/decision-format';
import { formatClock } from '../../time/reporting-zone';
import { formatValue } from '../../charts/units';
import { StatusBadge } from '../StatusBadge/StatusBadge';

/** The full decision of one request: the rule, every candidate with its score or exclusion, the attempts in order, who served, the cost. */
export function DecisionDetail({ id, timeZone }: { id: string; timeZone: string }) {
  const trpc = useTRPC();
  const decision = useQuery(trpc.decisions.get.queryOptions({ id }));
  if (decision.isPending) return <Skeleton h={240} aria-label="Loading the decision" />;
  if (decision.isError)
    return (
      <Alert color="red" role="alert" title="Could not load the decision">
        {describeError(decision.error)}
      </Alert>
    );
  const request = decision.data;
  const { decision: detail } = request;
  return (
    <Stack gap="md">
      <Text size="sm">
        <Text span ff="monospace" inherit>
          {request.id}
        </Text>{' '}
        · {formatClock(Date.parse(request.at), timeZone)} ({timeZone}) · asked for <b>{request.requestedModel}</b> · served by <b>{request.servedModel ?? 'no model'}</b> · {request.outcome} ({request.status}) · {formatValue(request.latencyMs, 'ms')} · {formatRequestCost(request.costUsd)}
      </Text>
      <Text size="sm">
        Rule: {detail.rule ? `${detail.rule.name} (priority ${detail.rule.priority})` : 'none matched: the default route'} · strategy {detail.strategy} · chain {detail.chain.join(' → ') || 'empty'}
      </Text>
      {detail.failure && (
        <Alert color="orange" title={detail.failure.reason}>
          {detail.failure.message}
        </Alert>
      )}
      <div>
        <Title order={3} size="h6" mb={4}>
          Candidates
        </Title>
        <Table aria-label="Candidates" fz="xs" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Model</Table.Th>
              <Table.Th scope="col">Rank</Table.Th>
              <Table.Th scope="col">Score (0–100)</Table.Th>
              <Table.Th scope="col">Capability fit</Table.Th>
              <Table.Th scope="col">Cost (USD / 1M, blended)</Table.Th>
              <Table.Th scope="col">Latency (ms)</Table.Th>
              <Table.Th scope="col">Excluded because</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {detail.candidates.map((candidate) => (
              <Table.Tr key={candidate.modelId}>
                <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                  {candidate.modelId}
                </Table.Td>
                <Table.Td>{candidate.score?.rank ?? '—'}</Table.Td>
                <Table.Td>{candidate.score ? candidate.score.total.toFixed(1) : '—'}</Table.Td>
                <Table.Td>{candidate.score ? candidate.score.capabilityFit.toFixed(1) : '—'}</Table.Td>
                <Table.Td>{candidate.score ? candidate.score.cost.toFixed(2) : '—'}</Table.Td>
                <Table.Td>{candidate.score?.latency ?? '—'}</Table.Td>
                <Table.Td>{candidate.excluded ? candidate.excluded.detail || EXCLUSION_TEXT[candidate.excluded.reason] || candidate.excluded.reason : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {detail.omittedCandidates && (
          <Text size="xs" c="dimmed">
            and {detail.omittedCandidates.count} more not listed
          </Text>
        )}
      </div>
      <div>
        <Title order={3} size="h6" mb={4}>
          Attempts, in order
        </Title>
        <Stack gap={4}>
          {request.attempts.map((attempt, index) => (
            <Group key={index} gap="xs">
              <Text size="sm" w={20}>
                {index + 1}.
              </Text>
              <Text size="sm" ff="monospace">
                {attempt.modelId}
              </Text>
              <StatusBadge tone={attempt.outcome === 'ok' ? 'good' : attempt.outcome === 'skipped' ? 'neutral' : 'bad'}>{attempt.outcome}</StatusBadge>
              <Text size="xs" c="dimmed">
                {formatValue(attempt.latencyMs, 'ms')}{attempt.errorKind ? ` · ${attempt.errorKind}` : ''}
                {attempt.status ? ` · ${attempt.status}` : ''}
                {attempt.message ? ` · ${attempt.message}` : ''}
              </Text>
            </Group>
          ))}
          {request.attempts.length === 0 && <Text size="sm">No model was called.</Text>}
        </Stack>
      </div>
    </Stack>
  );
}
