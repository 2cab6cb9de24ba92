import { Badge } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconMinus, IconX, type Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral';

const TONE: Record<Tone, { color: string; Icon: Icon }> = {
  good: { color: 'teal', Icon: IconCheck },
  bad: { color: 'red', Icon: IconX },
  warn: { color: 'orange', Icon: IconAlertTriangle },
  neutral: { color: 'gray', Icon: IconMinus },
};

/**
 * A status in words with an icon, never colour alone. The word is in the page's text colour (a
 * tinted text on a tinted badge is about 2.5:1, under WCAG AA); the tone is in the border and the
 * icon, shade 7, at least 3:1 against either scheme's background.
 */
export function StatusBadge({ tone, icon, children, ...rest }: { tone: Tone; icon?: Icon; children: ReactNode } & Record<`data-${string}`, string>) {
  const { color, Icon: DefaultIcon } = TONE[tone];
  const Shown = icon ?? DefaultIcon;
  return (
    <Badge size="sm" variant="outline" color={`${color}.7`} c="var(--mantine-color-text)" leftSection={<Shown size={12} aria-hidden color={`var(--mantine-color-${color}-7)`} />} {...rest}>
      {children}
    </Badge>
  );
}
