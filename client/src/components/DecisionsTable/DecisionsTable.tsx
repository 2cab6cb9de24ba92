import { Button, Table, Text, VisuallyHidden } from '@mantine/core';
import type { LoggedRequest } from '../../../../shared/decision';
import { formatAttempts, formatDecisionTime, formatRequestCost, formatRule, outcomeTone } from '../../models/decision-format';
import { StatusBadge } from '../StatusBadge/StatusBadge';

export interface DecisionsTableProps {
  /** the table's accessible name */
  label?: string;
  items: LoggedRequest[];
  timeZone: string;
  /** key id → the key's name, for the keys the server listed */
  keyNames: Map<string, string>;
  onOpen(id: string): void;
}

const numeric = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;
// names are short and read as one word: a table that scrolls sideways beats one broken at each hyphen
const oneLine = { whiteSpace: 'nowrap' } as const;

/**
 * One row per logged request, newest first; each opens its full decision. The Decisions page and
 * a model's page show the same columns, so a decision reads the same wherever it is met.
 */
export function DecisionsTable({ label = 'Decisions', items, timeZone, keyNames, onOpen }: DecisionsTableProps) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table aria-label={label} fz="sm" striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time ({timeZone})</Table.Th>
            <Table.Th scope="col">Key</Table.Th>
            <Table.Th scope="col">Asked for</Table.Th>
            <Table.Th scope="col">Rule</Table.Th>
            <Table.Th scope="col">Served by</Table.Th>
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
          {items.map((request) => (
            <Table.Tr key={request.id}>
              <Table.Td style={numeric}>{formatDecisionTime(Date.parse(request.at), timeZone)}</Table.Td>
              <Table.Td style={oneLine}>{request.keyId ? (keyNames.get(request.keyId) ?? request.keyId) : <Text span c="dimmed" inherit>no key</Text>}</Table.Td>
              <Table.Td ff="monospace" style={oneLine}>
                {request.requestedModel}
              </Table.Td>
              <Table.Td style={oneLine}>{formatRule(request.rule)}</Table.Td>
              <Table.Td ff="monospace" style={oneLine}>{request.servedModel ?? <Text span c="dimmed" inherit>none</Text>}</Table.Td>
              <Table.Td>
                {request.attempts.length} · {formatAttempts(request.attempts) || 'no model called'}
              </Table.Td>
              <Table.Td>
                <StatusBadge tone={outcomeTone(request.outcome)}>{request.outcome}</StatusBadge>
              </Table.Td>
              <Table.Td style={numeric}>{Math.round(request.latencyMs)}</Table.Td>
              <Table.Td style={numeric}>{formatRequestCost(request.costUsd)}</Table.Td>
              <Table.Td>
                <Button size="compact-xs" variant="light" onClick={() => onOpen(request.id)} aria-label={`Open decision ${request.id}`}>
                  Open
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
