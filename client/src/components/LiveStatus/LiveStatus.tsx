import { Alert, Group, Text } from '@mantine/core';
import { IconPlugConnectedX, IconPointFilled } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { LiveState } from '../../live/live-store';
import { formatClock } from '../../time/reporting-zone';
import { StatusBadge } from '../StatusBadge/StatusBadge';

const STALE_MS = 3_000;

/**
 * "Updated N s ago" for live panels; amber when older than three refreshes. With several Grove
 * instances on one PostgreSQL, the figures are the fleet's: it says how many instances they hold.
 */
export function LiveStatus({ live }: { live: LiveState }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (live.updatedAt === null) {
    return (
      <Text size="xs" c="dimmed">
        {live.status === 'reconnecting' || live.error ? 'Waiting for live figures…' : 'Loading live figures…'}
      </Text>
    );
  }
  const ago = Math.max(0, Math.round((now - live.updatedAt) / 1000));
  const stale = now - live.updatedAt > STALE_MS;
  const instances = live.history.at(-1)?.instances ?? 1;
  return (
    <Group gap={6}>
      <StatusBadge tone={live.status === 'live' && !stale ? 'good' : 'warn'} icon={live.status === 'live' && !stale ? IconPointFilled : undefined}>
        {live.status === 'live' && !stale ? 'Live' : 'Stale'}
      </StatusBadge>
      <Text size="xs" c="dimmed" data-testid="updated-ago">
        updated {ago} s ago{instances > 1 ? ` · ${instances} instances` : ''}
      </Text>
    </Group>
  );
}

/** Shown while the live source fails: what is on screen is as of the last sample. */
export function ReconnectingBanner({ live, timeZone }: { live: LiveState; timeZone: string }) {
  if (live.status !== 'reconnecting') return null;
  return (
    <Alert color="orange" variant="light" icon={<IconPlugConnectedX size={18} aria-hidden />} title="Reconnecting…" role="status">
      Live figures are not arriving ({live.error}).{' '}
      {live.updatedAt !== null ? `Showing data up to ${formatClock(live.updatedAt, timeZone)} (${timeZone}).` : ''} Retrying by itself; the seconds missed are filled in when it is back.
    </Alert>
  );
}
