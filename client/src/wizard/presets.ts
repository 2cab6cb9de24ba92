import type { CapabilityScores } from '../../../shared/objects';

/**
 * Starting points for well-known models: published context, output limits and list prices (USD
 * per 1M tokens); capability scores are Grove's own rough judgement, the same as in
 * examples/models.yaml. The operator adjusts them; nothing here is fetched.
 */
export interface ModelPreset {
  label: string;
  family: 'Claude' | 'Gemini' | 'GPT';
  provider: 'anthropic' | 'gemini' | 'openai-compatible';
  model: string;
  capabilities: CapabilityScores;
  contextWindow: number;
  maxOutputTokens: number;
  pricing: { inputPer1M: number; outputPer1M: number };
}

const preset = (label: string, family: ModelPreset['family'], model: string, scores: [number, number, number, number, number], contextWindow: number, maxOutputTokens: number, inputPer1M: number, outputPer1M: number): ModelPreset => ({
  label,
  family,
  provider: family === 'Claude' ? 'anthropic' : family === 'Gemini' ? 'gemini' : 'openai-compatible',
  model,
  capabilities: { reasoning: scores[0], creativity: scores[1], precision: scores[2], speed: scores[3], context: scores[4] },
  contextWindow,
  maxOutputTokens,
  pricing: { inputPer1M, outputPer1M },
});

export const PRESETS: readonly ModelPreset[] = [
  preset('Claude Opus 4.5', 'Claude', 'claude-opus-4-5', [97, 90, 94, 40, 85], 200_000, 64_000, 5, 25),
  preset('Claude Sonnet 4.5', 'Claude', 'claude-sonnet-4-5', [92, 85, 90, 60, 85], 200_000, 64_000, 3, 15),
  preset('Claude Haiku 4.5', 'Claude', 'claude-haiku-4-5', [78, 72, 80, 90, 85], 200_000, 64_000, 1, 5),
  preset('Gemini 2.5 Pro', 'Gemini', 'gemini-2.5-pro', [93, 84, 88, 55, 98], 1_048_576, 65_536, 1.25, 10),
  preset('Gemini 2.5 Flash', 'Gemini', 'gemini-2.5-flash', [82, 76, 80, 88, 98], 1_048_576, 65_536, 0.3, 2.5),
  preset('Gemini 2.5 Flash-Lite', 'Gemini', 'gemini-2.5-flash-lite', [65, 62, 70, 95, 98], 1_048_576, 65_536, 0.1, 0.4),
  preset('GPT-5', 'GPT', 'gpt-5', [94, 86, 90, 50, 90], 400_000, 128_000, 1.25, 10),
  preset('GPT-5 mini', 'GPT', 'gpt-5-mini', [84, 76, 82, 80, 90], 400_000, 128_000, 0.25, 2),
  preset('GPT-4.1', 'GPT', 'gpt-4.1', [85, 80, 86, 75, 97], 1_047_576, 32_768, 2, 8),
  preset('GPT-4o mini', 'GPT', 'gpt-4o-mini', [70, 70, 72, 92, 70], 128_000, 16_384, 0.15, 0.6),
];

/** The preset for an upstream model name: exact first, then the longest preset name it starts with (`claude-sonnet-4-5-20250929`). */
export function presetForModel(model: string): ModelPreset | undefined {
  const name = model.trim().toLowerCase();
  if (!name) return undefined;
  const exact = PRESETS.find((candidate) => candidate.model === name);
  if (exact) return exact;
  return [...PRESETS].sort((a, b) => b.model.length - a.model.length).find((candidate) => name.startsWith(candidate.model));
}

export function presetByLabel(label: string): ModelPreset | undefined {
  return PRESETS.find((candidate) => candidate.label === label);
}
