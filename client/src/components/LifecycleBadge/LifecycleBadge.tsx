import { Badge } from '@mantine/core';
import type { Lifecycle } from '../../../../shared/objects';
import { LIFECYCLE_STYLE } from '../../models/lifecycle';

export function LifecycleBadge({ lifecycle, size = 'md' }: { lifecycle: Lifecycle; size?: 'sm' | 'md' | 'lg' }) {
  const style = LIFECYCLE_STYLE[lifecycle];
  return (
    <Badge size={size} radius="sm" color={style.background} c={style.text} variant="filled" data-lifecycle={lifecycle}>
      {style.label}
    </Badge>
  );
}
