import { Alert, Button, Group, Modal, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../api/errors';
import { DIALOG_PROPS } from '../../models/dialog';
import { useTRPCClient } from '../../api/trpc';
import { formatRequestCost } from '../../models/decision-format';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { DecisionDetail } from '../DecisionDetail/DecisionDetail';

interface Reply {
  decisionId: string | null;
  model: string | null;
  attempts: number | null;
  text: string;
  costUsd: number | null;
  tokens: string | null;
  error: string | null;
  done: boolean;
}

const EMPTY: Reply = { decisionId: null, model: null, attempts: null, text: '', costUsd: null, tokens: null, error: null, done: false };

/** Streams a reply from this model through the gateway (gateway.stream), showing who answered, after how many attempts, at what cost. */
export function TryIt({ modelId }: { modelId: string }) {
  const { timeZone } = useReportingTimeZone();
  const client = useTRPCClient();
  const [prompt, setPrompt] = useState('Say hello in one sentence.');
  const [reply, setReply] = useState<Reply | null>(null);
  const [decisionOpen, setDecisionOpen] = useState(false);
  const subscription = useRef<{ unsubscribe(): void } | null>(null);
  useEffect(() => () => subscription.current?.unsubscribe(), []);

  const send = () => {
    subscription.current?.unsubscribe();
    setReply(EMPTY);
    subscription.current = client.gateway.stream.subscribe(
      { model: modelId, messages: [{ role: 'user', content: prompt }] },
      {
        onData: (event) => {
          setReply((current) => {
            const next = current ?? EMPTY;
            if (event.type === 'start') return { ...next, decisionId: event.id, model: event.model, attempts: event.attempts };
            if (event.type === 'text') return { ...next, text: next.text + event.text };
            if (event.type === 'done') return { ...next, done: true, costUsd: event.costUsd, tokens: event.usage ? `${event.usage.promptTokens} in, ${event.usage.completionTokens} out` : null };
            if (event.type === 'error') return { ...next, done: true, error: `${event.kind}: ${event.message}` };
            return next;
          });
        },
        onError: (error) => setReply((current) => ({ ...(current ?? EMPTY), done: true, error: describeError(error) })),
        onComplete: () => setReply((current) => (current ? { ...current, done: true } : current)),
      },
    );
  };

  const running = reply !== null && !reply.done;
  return (
    <Stack gap="sm">
      <Textarea label="Prompt" value={prompt} onChange={(event) => setPrompt(event.currentTarget.value)} rows={3} />
      <Group>
        <Button onClick={send} loading={running} disabled={prompt.trim() === ''}>
          Send to {modelId}
        </Button>
        <Text size="xs" c="dimmed">
          A real request through the gateway: it is routed, logged and counted like any other.
        </Text>
      </Group>
      {reply && (
        <Paper withBorder p="sm" aria-label="Reply" role="region" aria-busy={running}>
          <Stack gap={6}>
            <Text size="xs" c="dimmed" data-testid="try-it-meta">
              {reply.model ? `Answered by ${reply.model} after ${reply.attempts} ${reply.attempts === 1 ? 'attempt' : 'attempts'}` : 'Routing…'}
              {reply.done && reply.costUsd !== null ? ` · cost ${formatRequestCost(reply.costUsd)}` : ''}
              {reply.tokens ? ` · ${reply.tokens} tokens` : ''}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="try-it-text">
              {reply.text}
            </Text>
            {reply.error && (
              <Alert color="red" role="alert" title="The request failed">
                {reply.error}
              </Alert>
            )}
            {reply.done && reply.decisionId && (
              <Group>
                <Button size="compact-xs" variant="light" onClick={() => setDecisionOpen(true)}>
                  Open its decision
                </Button>
              </Group>
            )}
          </Stack>
        </Paper>
      )}
      <Modal opened={decisionOpen} onClose={() => setDecisionOpen(false)} title="Routing decision" size="xl" {...DIALOG_PROPS}>
        {reply?.decisionId && <DecisionDetail id={reply.decisionId} timeZone={timeZone} />}
      </Modal>
    </Stack>
  );
}
