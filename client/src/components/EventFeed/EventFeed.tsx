import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { FeedEvent } from '../../../../shared/feeds';
import { canSubscribe, useTRPCClient } from '../../api/trpc';
import { describeEvent, type EventEntry } from '../../live/event-entries';
import { followFeed } from '../../live/follow-feed';
import { formatDayClock } from '../../time/reporting-zone';
import { StatusBadge } from '../StatusBadge/StatusBadge';

/** how many entries the panel keeps: the newest; older ones are on the pages the entries link to */
export const FEED_LENGTH = 30;

type FeedState = { status: 'connecting' | 'live' | 'reconnecting'; entries: EventEntry[] };

/**
 * Failovers, circuit changes, model and policy changes and alerts as they happen (events.feed),
 * newest first, each one click from what it concerns. It opens with the newest buffered events
 * and, after a dropped connection, receives the ones it missed (follow-feed.ts).
 */
export function EventFeed({ timeZone }: { timeZone: string }) {
  const client = useTRPCClient();
  const subscribable = canSubscribe(client);
  const [state, setState] = useState<FeedState>({ status: 'connecting', entries: [] });
  useEffect(() => {
    if (!subscribable) return;
    const add = (entry: EventEntry) => setState((current) => ({ status: 'live', entries: [entry, ...current.entries].slice(0, FEED_LENGTH) }));
    let seq = 0;
    return followFeed<FeedEvent>((input, observer) => client.events.feed.subscribe(input, observer), FEED_LENGTH, {
      // tracked ids are per feed: a local sequence keeps keys unique when a gap repeats one
      item: (event) => add(describeEvent(`${seq++}`, event)),
      gap: (gap) => add(describeEvent(`${seq++}`, gap)),
      trouble: () => setState((current) => ({ ...current, status: 'reconnecting' })),
      started: () => setState((current) => ({ ...current, status: 'live' })),
    });
  }, [client, subscribable]);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="event-feed-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id="event-feed-title">
            Live events
          </Title>
          {subscribable && state.status === 'reconnecting' && <StatusBadge tone="warn">Reconnecting</StatusBadge>}
        </Group>
        <Text size="xs" c="dimmed">
          Failovers, circuits, model and policy changes and alerts on this instance, newest first; times in {timeZone}.
        </Text>
        {!subscribable ? (
          <Text size="sm" c="dimmed">
            Live events need the websocket connection, which this console was not given.
          </Text>
        ) : state.entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            {state.status === 'connecting' ? 'Connecting…' : 'Nothing has happened since Grove started.'}
          </Text>
        ) : (
          <Stack component="ol" gap={8} p={0} m={0} style={{ listStyle: 'none' }} aria-label="Live events, newest first" data-testid="event-feed">
            {state.entries.map((entry) => (
              <li key={entry.key} data-event-label={entry.label}>
                <Group gap={6} wrap="nowrap" align="flex-start">
                  <StatusBadge tone={entry.tone}>{entry.label}</StatusBadge>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    <time dateTime={entry.at}>{formatDayClock(Date.parse(entry.at), timeZone)}</time>
                  </Text>
                </Group>
                <Text size="sm">{entry.text}</Text>
                <Anchor component={Link} to={entry.href} size="xs">
                  {entry.linkText}
                </Anchor>
              </li>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
