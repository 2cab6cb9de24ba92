import { Skeleton } from '@mantine/core';
import { lazy, Suspense, useMemo } from 'react';
import { sparklineOption } from '../../charts/small-charts';

const Chart = lazy(() => import('../Chart/Chart'));

/** A live p95 line for a model card: the figure beside it carries the number, this the trend. */
export function Sparkline({ label, values }: { label: string; values: Array<number | null> }) {
  const option = useMemo(() => sparklineOption(label, values), [label, values]);
  return (
    <Suspense fallback={<Skeleton h={40} />}>
      <Chart option={option} height={40} label={option.aria.label.description} />
    </Suspense>
  );
}
