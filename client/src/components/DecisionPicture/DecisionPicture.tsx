import { Alert, Badge, Group, Paper, Progress, Stack, Text, Timeline, Title } from '@mantine/core';
import { IconArrowRight, IconBan, IconCircleCheck, IconFilter, IconListNumbers, IconMessage, IconRoute } from '@tabler/icons-react';
import type { ExplainResult } from '../../api/types';
import { EXCLUSION_TEXT } from '../../models/decision-format';
import type { RuleInput } from '../../routing/policy-edit';
import { StatusBadge } from '../StatusBadge/StatusBadge';

type Decision = ExplainResult['decision'];

/** How each rule fared: the first match wins, so those above it did not match and those below were not tried. */
function ruleOutcomes(rules: RuleInput[], matched: Decision['rule']) {
  const at = matched ? rules.findIndex((rule) => rule.name === matched.name) : -1;
  return rules.map((rule, index) => ({ rule, outcome: at === -1 || index < at ? ('no match' as const) : index === at ? ('matched' as const) : ('not tried' as const) }));
}

function RouteLine({ route }: { route: Decision['route'] }) {
  const weights = Object.entries(route.weights);
  const minimums = Object.entries(route.minimums);
  return (
    <Text size="sm">
      strategy <b>{route.strategy}</b>
      {weights.length > 0 && ` · weights ${weights.map(([name, weight]) => `${name} ${weight}`).join(', ')}`}
      {minimums.length > 0 && ` · minimums ${minimums.map(([name, minimum]) => `${name} ≥ ${minimum}`).join(', ')}`}
      {route.maxPricePer1M !== null && ` · at most $${route.maxPricePer1M} per 1M tokens (blended)`}
      {route.maxLatencyMs !== null && ` · latency ≤ ${route.maxLatencyMs} ms`}
      {` · chain of ${route.chainLength}`}
      {route.fillChain && ' · named models filled with the best others'}
    </Text>
  );
}

/**
 * A routing decision drawn as its steps: the request, the rule that matched (and the ones that did
 * not), every candidate with its score breakdown or why it was excluded, and the chain in order.
 */
export function DecisionPicture({ result, rules, request }: { result: ExplainResult; rules: RuleInput[]; request: string }) {
  const { decision, refusal } = result;
  const chainPosition = new Map(decision.chain.map((modelId, index) => [modelId, index + 1]));
  const eligible = decision.candidates.filter((candidate) => candidate.eligible).sort((a, b) => (a.score?.rank ?? 0) - (b.score?.rank ?? 0));
  const excluded = decision.candidates.filter((candidate) => !candidate.eligible);
  return (
    <Paper withBorder p="md" radius="md" aria-label="Dry-run decision" component="section">
      <Timeline active={3} bulletSize={28} lineWidth={2}>
        <Timeline.Item bullet={<IconMessage size={16} aria-hidden />} title={<Title order={3} size="h6">Request</Title>}>
          <Text size="sm">{request}</Text>
        </Timeline.Item>
        <Timeline.Item bullet={<IconFilter size={16} aria-hidden />} title={<Title order={3} size="h6">Rule</Title>}>
          <Stack gap={4}>
            <Text size="sm" data-testid="dry-run-rule">
              {decision.rule ? (
                <>
                  Matched rule <b>{decision.rule.name}</b> (priority {decision.rule.priority})
                </>
              ) : (
                'No rule matched: the default route applies'
              )}
            </Text>
            <Stack component="ol" gap={2} p={0} m={0} aria-label="Rules, as tried" style={{ listStyle: 'none' }}>
              {ruleOutcomes(rules, decision.rule).map(({ rule, outcome }) => (
                <Group component="li" key={rule.name} gap="xs">
                  <StatusBadge tone={outcome === 'matched' ? 'good' : 'neutral'}>{outcome}</StatusBadge>
                  <Text size="sm" ff="monospace" c={outcome === 'not tried' ? 'dimmed' : undefined}>
                    {rule.name}
                  </Text>
                </Group>
              ))}
            </Stack>
            <RouteLine route={decision.route} />
          </Stack>
        </Timeline.Item>
        <Timeline.Item bullet={<IconListNumbers size={16} aria-hidden />} title={<Title order={3} size="h6">Candidates</Title>}>
          <Stack gap="xs" component="ul" p={0} m={0} aria-label="Candidates" style={{ listStyle: 'none' }}>
            {eligible.map((candidate) => (
              <Stack component="li" key={candidate.modelId} gap={2} data-candidate={candidate.modelId}>
                <Group gap="xs">
                  <Text size="sm" ff="monospace" fw={600}>
                    {candidate.modelId}
                  </Text>
                  <Badge variant="outline" color="gray.7" c="var(--mantine-color-text)" size="sm">
                    rank {candidate.score?.rank}
                  </Badge>
                  {chainPosition.has(candidate.modelId) && <StatusBadge tone="good">in the chain, {chainPosition.get(candidate.modelId)}</StatusBadge>}
                </Group>
                {candidate.score && (
                  <>
                    <Progress value={Math.max(0, Math.min(100, candidate.score.total))} size="lg" aria-label={`${candidate.modelId} score ${candidate.score.total.toFixed(1)} of 100`} />
                    <Text size="xs">
                      score {candidate.score.total.toFixed(1)} / 100 · capability fit {candidate.score.capabilityFit.toFixed(1)} · ${candidate.score.cost.toFixed(2)} per 1M tokens (blended) · latency{' '}
                      {candidate.score.latency === null ? 'no figure yet' : `${Math.round(candidate.score.latency)} ms`} · health {candidate.score.health.toFixed(0)}
                    </Text>
                  </>
                )}
              </Stack>
            ))}
            {excluded.map((candidate) => (
              <Group component="li" key={candidate.modelId} gap="xs" data-candidate={candidate.modelId}>
                <Text size="sm" ff="monospace" c="dimmed">
                  {candidate.modelId}
                </Text>
                <StatusBadge tone="bad" icon={IconBan}>
                  excluded
                </StatusBadge>
                <Text size="xs">{candidate.excluded ? candidate.excluded.detail || EXCLUSION_TEXT[candidate.excluded.reason] || candidate.excluded.reason : ''}</Text>
              </Group>
            ))}
            {decision.candidates.length === 0 && <Text size="sm">No model was considered.</Text>}
          </Stack>
        </Timeline.Item>
        <Timeline.Item bullet={<IconRoute size={16} aria-hidden />} title={<Title order={3} size="h6">Chain, in order</Title>}>
          {decision.chain.length > 0 ? (
            <Group gap={6} component="ol" p={0} m={0} aria-label="Chain, in order" style={{ listStyle: 'none' }} data-testid="dry-run-chain">
              {decision.chain.map((modelId, index) => (
                <Group component="li" key={modelId} gap={6}>
                  {index > 0 && <IconArrowRight size={14} aria-hidden />}
                  <Badge variant="outline" color="blue.8" c="var(--mantine-color-text)" tt="none" leftSection={index === 0 ? <IconCircleCheck size={12} aria-hidden /> : undefined}>
                    {index + 1}. {modelId}
                    {decision.probe?.modelId === modelId ? ' (probe)' : ''}
                  </Badge>
                </Group>
              ))}
            </Group>
          ) : (
            <Text size="sm">Empty: no model would serve this request.</Text>
          )}
          {decision.failure && (
            <Alert mt="xs" color="orange" title={decision.failure.reason}>
              {decision.failure.message}
            </Alert>
          )}
          {refusal && (
            <Alert mt="xs" color="red" title={`The caller would hear ${refusal.status}${refusal.code ? ` ${refusal.code}` : ''}`}>
              {refusal.message}
            </Alert>
          )}
        </Timeline.Item>
      </Timeline>
    </Paper>
  );
}
