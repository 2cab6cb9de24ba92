import { Alert, Button, Modal, Skeleton, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../../api/errors';
import { DIALOG_PROPS } from '../../models/dialog';
import { useTRPC } from '../../api/trpc';
import { formatAttempts, formatRequestCost, formatRule, outcomeTone } from '../../models/decision-format';
import { formatClock } from '../../time/reporting-zone';
import { DecisionDetail } from '../DecisionDetail/DecisionDetail';
import { StatusBadge } from '../StatusBadge/StatusBadge';

/** The requests this model served or was attempted in last, with why each went where it went; each opens its full decision. */
export function RecentDecisions({ modelId, timeZone }: { modelId: string; timeZone: string }) {
  const trpc = useTRPC();
  const decisions = useQuery({ ...trpc.decisions.list.queryOptions({ model: modelId, limit: 20 }), refetchInterval: 5_000 });
  const [open, setOpen] = useState<string | null>(null);

  if (decisions.isPending) return <Skeleton h={160} aria-label="Loading recent decisions" />;
  if (decisions.isError)
    return (
      <Alert color="red" role="alert" title="Could not load the decisions">
        {describeError(decisions.error)}
      </Alert>
    );
  if (decisions.data.items.length === 0) return <Text c="dimmed">No request was served by this model or attempted on it yet.</Text>;
  return (
    <>
      <Table aria-label="Recent decisions" fz="sm" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time ({timeZone})</Table.Th>
            <Table.Th scope="col">Asked for</Table.Th>
            <Table.Th scope="col">Why</Table.Th>
            <Table.Th scope="col">Attempts</Table.Th>
            <Table.Th scope="col">Outcome</Table.Th>
            <Table.Th scope="col">Latency (ms)</Table.Th>
            <Table.Th scope="col">Cost (USD)</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Details</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {decisions.data.items.map((request) => (
            <Table.Tr key={request.id}>
              <Table.Td>{formatClock(Date.parse(request.at), timeZone)}</Table.Td>
              <Table.Td ff="monospace">{request.requestedModel}</Table.Td>
              <Table.Td>{formatRule(request.rule)}</Table.Td>
              <Table.Td>{formatAttempts(request.attempts)}</Table.Td>
              <Table.Td>
                <StatusBadge tone={outcomeTone(request.outcome)}>{request.outcome}</StatusBadge>
              </Table.Td>
              <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{request.latencyMs}</Table.Td>
              <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{formatRequestCost(request.costUsd)}</Table.Td>
              <Table.Td>
                <Button size="compact-xs" variant="light" onClick={() => setOpen(request.id)} aria-label={`Open decision ${request.id}`}>
                  Open
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title="Routing decision" size="xl" {...DIALOG_PROPS}>
        {open && <DecisionDetail id={open} timeZone={timeZone} />}
      </Modal>
    </>
  );
}
