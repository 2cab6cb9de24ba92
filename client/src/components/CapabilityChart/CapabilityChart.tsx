import { useMemo } from 'react';
import { capabilityOption, capabilityTable } from '../../charts/small-charts';
import { ChartPanel } from '../ChartPanel/ChartPanel';

export function CapabilityChart({ scores }: { scores: Record<string, number> }) {
  const { option, table } = useMemo(() => ({ option: capabilityOption('Capability profile', scores), table: capabilityTable('Capability profile', scores) }), [scores]);
  return <ChartPanel title="Capability profile" scope="as declared in the spec, 0–100" option={option} table={table} description={option.aria.label.description} state="ready" height={40 + Object.keys(scores).length * 32} />;
}
