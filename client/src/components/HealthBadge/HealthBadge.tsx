import { IconCircleCheck, IconCircleX, IconHelpCircle, IconProgressCheck, IconZzz } from '@tabler/icons-react';
import { StatusBadge } from '../StatusBadge/StatusBadge';

const STYLE = {
  closed: { label: 'Healthy', tone: 'good', Icon: IconCircleCheck },
  // a closed circuit without calls says nothing about health: not "Healthy"
  idle: { label: 'No recent calls', tone: 'neutral', Icon: IconZzz },
  'half-open': { label: 'Probing', tone: 'warn', Icon: IconProgressCheck },
  open: { label: 'Circuit open', tone: 'bad', Icon: IconCircleX },
  unknown: { label: 'No health data', tone: 'neutral', Icon: IconHelpCircle },
} as const;

export type HealthState = keyof typeof STYLE;

/** A model's circuit as routing sees it: a word and an icon, never colour alone. */
export function HealthBadge({ circuit }: { circuit: HealthState }) {
  const { label, tone, Icon } = STYLE[circuit];
  return (
    <StatusBadge tone={tone} icon={Icon} data-circuit={circuit}>
      {label}
    </StatusBadge>
  );
}
