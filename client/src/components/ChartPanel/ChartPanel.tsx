import { Alert, Anchor, Group, Loader, Paper, Skeleton, Switch, Table, Text, Title } from '@mantine/core';
import { lazy, Suspense, useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { ChartPoint } from '../Chart/Chart';

const Chart = lazy(() => import('../Chart/Chart'));

export interface ChartTableData {
  caption: string;
  columns: string[];
  rows: string[][];
  /** per row, where its first cell links to (the decisions of that moment): the chart's click, by keyboard */
  rowLinks?: Array<{ href: string; label: string } | null>;
}

export interface ChartPanelProps {
  title: string;
  /** period, time zone, what it includes: printed under the title */
  scope: ReactNode;
  option: object | null;
  /** a function where building the table costs (a live chart's, rebuilt each second): called only while the table is shown */
  table: ChartTableData | (() => ChartTableData) | null;
  /** the written description the chart's aria label carries, shown to everyone */
  description?: string;
  state: 'loading' | 'error' | 'empty' | 'ready';
  error?: string;
  height?: number;
  onPointClick?: (point: ChartPoint) => void;
  /** what "no data" means here, when not "no request in this range" */
  emptyText?: string;
}

/**
 * A chart with its title, scope line, its own loading / error / no-data state, and "view as
 * table" with the same numbers (built from the same spec).
 */
export function ChartPanel({ title, scope, option, table, description, state, error, height = 220, onPointClick, emptyText = 'No data: no request in this range.' }: ChartPanelProps) {
  const [asTable, setAsTable] = useState(false);
  const headingId = useId();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" align="flex-start" mb={4}>
        <div>
          <Title order={3} size="h5" id={headingId}>
            {title}
          </Title>
          <Text size="xs" c="dimmed">
            {scope}
          </Text>
        </div>
        <Switch size="xs" label="View as table" checked={asTable} onChange={(event) => setAsTable(event.currentTarget.checked)} disabled={state !== 'ready'} />
      </Group>
      {state === 'loading' && <Skeleton h={height} aria-label={`Loading ${title}`} />}
      {state === 'error' && (
        <Alert color="red" role="alert" title={`Could not load ${title.toLowerCase()}`}>
          {error}
        </Alert>
      )}
      {state === 'empty' && (
        <Text c="dimmed" size="sm" h={height} pt="xl" ta="center">
          {emptyText}
        </Text>
      )}
      {state === 'ready' && option && !asTable && (
        <Suspense fallback={<Loader size="sm" aria-label={`Loading the ${title} chart`} />}>
          <Chart option={option} height={height} label={description ?? title} onPointClick={onPointClick} />
        </Suspense>
      )}
      {state === 'ready' && table && asTable && <ChartTable table={typeof table === 'function' ? table() : table} height={height} />}
    </Paper>
  );
}

export function ChartTable({ table, height }: { table: ChartTableData; height: number }) {
  return (
    <Table.ScrollContainer minWidth={320} mah={height + 120}>
      <Table striped stickyHeader fz="xs">
        <Table.Caption>{table.caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {table.columns.map((column) => (
              <Table.Th scope="col" key={column}>
                {column}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {table.rows.map((row, index) => (
            <Table.Tr key={index}>
              {row.map((cell, column) => {
                const link = column === 0 ? table.rowLinks?.[index] : null;
                return (
                  <Table.Td key={column} style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {link ? (
                      <Anchor component={Link} to={link.href} aria-label={link.label} inherit>
                        {cell}
                      </Anchor>
                    ) : (
                      cell
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
