import { call, connect, connectionHelp, connectionOptions, parseCommand, UsageError, type CliIo } from './command';
import type { ExplainedDecision } from '../../shared/decision';

export const explainHelp = `Usage:
  grove explain [--model auto|ID|ALIAS] [--prompt TEXT | --prompt-tokens N] [--max-tokens N]
                [--task-type T] [--tag T ...] [--weight CAP=W ...] [--minimum CAP=N ...]
                [--max-price USD] [--max-latency-ms MS] [--strategy S] [--as invoke|admin] [-o text|json]

Shows the routing decision Grove would make for such a request, with every candidate's score or
the reason it was excluded. No model is called.

Options:
  --model M          a model id, an alias, or auto (default)
  --prompt TEXT      the user message (its size counts towards the context check)
  --prompt-tokens N  pretend the prompt has about N tokens
  --max-tokens N     the answer's max_tokens
  --task-type T, --tag T, --weight CAP=W, --minimum CAP=N, --max-price USD, --max-latency-ms MS, --strategy S
                     the request's grove requirements (see README)
  --as SCOPE         route as an invoke key (default; drafts are excluded) or an admin key
  -o FORMAT          text (default) or json
${connectionHelp}`;

export async function explainCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('explain', {
    args,
    options: {
      ...connectionOptions,
      model: { type: 'string' },
      prompt: { type: 'string' },
      'prompt-tokens': { type: 'string' },
      'max-tokens': { type: 'string' },
      'task-type': { type: 'string' },
      tag: { type: 'string', multiple: true },
      weight: { type: 'string', multiple: true },
      minimum: { type: 'string', multiple: true },
      'max-price': { type: 'string' },
      'max-latency-ms': { type: 'string' },
      strategy: { type: 'string' },
      as: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (values.help) return io.stdout.write(explainHelp), 0;
  const scope = values.as ?? 'invoke';
  if (scope !== 'invoke' && scope !== 'admin') throw new UsageError(`--as must be invoke or admin (got "${scope}")`, 'explain');
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`-o must be text or json (got "${output}")`, 'explain');
  const promptTokens = optionalNumber(values['prompt-tokens'], '--prompt-tokens');
  // about four characters a token: the same estimate the router makes
  const content = values.prompt ?? (promptTokens ? 'x'.repeat(promptTokens * 4) : '');
  const grove = {
    ...(values['task-type'] ? { taskType: values['task-type'] } : {}),
    ...(values.tag?.length ? { tags: values.tag } : {}),
    ...(values.weight?.length ? { weights: pairs(values.weight, '--weight') } : {}),
    ...(values.minimum?.length ? { minimums: pairs(values.minimum, '--minimum') } : {}),
    ...(values['max-price'] ? { maxPricePer1M: optionalNumber(values['max-price'], '--max-price') } : {}),
    ...(values['max-latency-ms'] ? { maxLatencyMs: optionalNumber(values['max-latency-ms'], '--max-latency-ms') } : {}),
    ...(values.strategy ? { strategy: values.strategy } : {}),
  };
  const { client, url } = connect('explain', values, io.env);
  const { decision, refusal } = await call(
    url,
    client.route.explain.mutate({
      model: values.model ?? 'auto',
      messages: [{ role: 'user', content }],
      max_tokens: optionalNumber(values['max-tokens'], '--max-tokens'),
      grove: Object.keys(grove).length ? grove : undefined,
      scope,
    }),
  );
  // a request that would be refused is still explained; the exit code tells scripts it would fail
  const code = refusal ? 1 : 0;
  if (output === 'json') return io.stdout.write(JSON.stringify({ decision, refusal }, null, 2) + '\n'), code;
  io.stdout.write(formatDecision(decision));
  if (refusal) io.stdout.write(`\nwould be refused: ${refusal.status} ${refusal.code ?? ''}: ${refusal.message}\n`);
  return code;
}

export function formatDecision(decision: ExplainedDecision): string {
  const lines = [
    `request   ${decision.requestedModel}`,
    `rule      ${decision.rule ? `${decision.rule.name} (priority ${decision.rule.priority})` : 'default route'}`,
    `strategy  ${decision.strategy}`,
    `chain     ${decision.chain.length ? decision.chain.join(' → ') : `(empty) ${decision.failure?.message ?? ''}`}`,
    ...(decision.probe ? [`probe     ${decision.probe.modelId} first (${decision.probe.reason.replaceAll('_', ' ')})`] : []),
    '',
    'candidates:',
  ];
  for (const candidate of decision.candidates) {
    if (candidate.score) {
      const { rank, total, capabilityFit, cost, latency, latencyAgeMs, health } = candidate.score;
      const age = latencyAgeMs == null ? '' : ` (${(latencyAgeMs / 1000).toFixed(1)} s old)`;
      lines.push(`  #${rank} ${candidate.modelId}  score ${total.toFixed(1)}  fit ${capabilityFit.toFixed(1)}  $${cost.toFixed(2)}/1M  latency ${latency === null ? '?' : `${latency.toFixed(0)} ms${age}`}  health ${health.toFixed(0)}`);
    } else if (candidate.excluded) {
      lines.push(`  -  ${candidate.modelId}  excluded: ${candidate.excluded.reason} (${candidate.excluded.detail})`);
    }
  }
  return lines.join('\n') + '\n';
}

function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new UsageError(`${flag} must be a non-negative number (got "${value}")`, 'explain');
  return number;
}

function pairs(values: string[], flag: string): Record<string, number> {
  return Object.fromEntries(
    values.map((pair) => {
      const [name, value] = pair.split('=');
      if (!name || value === undefined) throw new UsageError(`${flag} takes CAPABILITY=NUMBER (got "${pair}")`, 'explain');
      return [name, optionalNumber(value, flag)!];
    }),
  );
}
