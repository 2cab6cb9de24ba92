import { Table, Text, VisuallyHidden } from '@mantine/core';
import type { DiffRow } from '../../models/line-diff';

const ROW_COLOR: Record<DiffRow['kind'], string | undefined> = {
  same: undefined,
  removed: 'var(--mantine-color-red-light)',
  added: 'var(--mantine-color-green-light)',
  changed: 'var(--mantine-color-yellow-light)',
};
const ROW_MARK: Record<DiffRow['kind'], string> = { same: '', removed: '−', added: '+', changed: '~' };

/** How many lines differ, said in words above a diff. */
export function diffSummary(rows: DiffRow[], same: string): string {
  const changed = rows.filter((row) => row.kind !== 'same').length;
  return changed === 0 ? same : `${changed} ${changed === 1 ? 'line differs' : 'lines differ'}.`;
}

/** A side-by-side line diff (models/line-diff.ts) as a table: each row says its kind in text as well as colour. */
export function DiffTable({ rows, label, leftTitle, rightTitle }: { rows: DiffRow[]; label: string; leftTitle: string; rightTitle: string }) {
  return (
    <Table aria-label={label} fz="xs" ff="monospace" withColumnBorders verticalSpacing={0}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col" w={28}>
            <VisuallyHidden>Change</VisuallyHidden>
            <span aria-hidden>±</span>
          </Table.Th>
          <Table.Th scope="col">{leftTitle}</Table.Th>
          <Table.Th scope="col">{rightTitle}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row, index) => (
          <Table.Tr key={index} data-diff={row.kind} style={{ background: ROW_COLOR[row.kind] }}>
            <Table.Td aria-label={row.kind}>{ROW_MARK[row.kind]}</Table.Td>
            <Table.Td style={{ whiteSpace: 'pre' }}>{row.left?.text ?? ''}</Table.Td>
            <Table.Td style={{ whiteSpace: 'pre' }}>{row.right?.text ?? ''}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
      {rows.length === 0 && (
        <Table.Caption>
          <Text size="xs">Both sides are empty.</Text>
        </Table.Caption>
      )}
    </Table>
  );
}
