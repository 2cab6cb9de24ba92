/** A small registry the console tests start from: one per provider kind and lifecycle. */
const model = (id: string, title: string, spec: Record<string, unknown>) => ({ apiVersion: 'grove/v1', kind: 'Model', metadata: { id, title }, spec });

export const REGISTRY_FIXTURE = [
  model('claude-sonnet', 'Claude Sonnet 4.5', {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    apiKey: { env: 'ANTHROPIC_API_KEY' },
    capabilities: { reasoning: 92, creativity: 85, precision: 90, speed: 60, context: 85 },
    contextWindow: 200000,
    maxOutputTokens: 64000,
    pricing: { inputPer1M: 3, outputPer1M: 15 },
    aliases: ['sonnet'],
    lifecycle: 'active',
  }),
  model('gemini-flash', 'Gemini 2.5 Flash', {
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    capabilities: { reasoning: 75, creativity: 70, precision: 72, speed: 90, context: 95 },
    contextWindow: 1048576,
    maxOutputTokens: 65536,
    pricing: { inputPer1M: 0.3, outputPer1M: 2.5 },
    lifecycle: 'active',
  }),
  model('sim-fast', 'Simulated fast', {
    provider: 'simulated',
    model: 'sim-fast',
    capabilities: { reasoning: 40, creativity: 35, precision: 45, speed: 98, context: 30 },
    contextWindow: 32000,
    maxOutputTokens: 4096,
    pricing: { inputPer1M: 0.1, outputPer1M: 0.2 },
    lifecycle: 'active',
    simulation: { latencyMs: { p50: 80, p99: 200 } },
  }),
  model('sim-draft', 'Simulated draft', {
    provider: 'simulated',
    model: 'sim-draft',
    capabilities: { reasoning: 60, creativity: 60, precision: 60, speed: 60, context: 60 },
    contextWindow: 32000,
    maxOutputTokens: 4096,
    pricing: { inputPer1M: 1, outputPer1M: 2 },
    lifecycle: 'draft',
  }),
];
