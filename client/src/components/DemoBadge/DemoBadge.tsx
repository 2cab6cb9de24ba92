import { Badge, Tooltip } from '@mantine/core';
import { isDemoModel, type Metadata } from '../../../../shared/objects';

/** Marks a demo model (DEMO_LABEL): it answers `auto` only in demo mode, otherwise only when named. */
export function DemoBadge({ metadata, size = 'sm' }: { metadata: Metadata; size?: 'sm' | 'lg' }) {
  if (!isDemoModel({ metadata })) return null;
  return (
    <Tooltip label="Demo model: serves automatic traffic only while no real model can, otherwise only requests that name it. grove demo remove deletes it." withArrow multiline w={280}>
      <Badge variant="outline" color="grape" radius="sm" size={size} tabIndex={0}>
        demo
      </Badge>
    </Tooltip>
  );
}
