/** A sample request for the dry run, as the operator describes it. */
export interface SampleRequest {
  model: string;
  taskType: string;
  tags: string[];
  promptTokens: number;
  headers: Array<{ name: string; value: string }>;
  scope: 'invoke' | 'admin';
}

export const DEFAULT_SAMPLE: SampleRequest = { model: 'auto', taskType: '', tags: [], promptTokens: 500, headers: [], scope: 'invoke' };

// what the server's estimate adds around one message (server/routing/estimate-tokens.ts): 3 per request, 4 per message
const OVERHEAD_TOKENS = 7;
export const MIN_SAMPLE_TOKENS = OVERHEAD_TOKENS;
/**
 * 1.6 MB of prompt text: the dry run sends it twice in one batched call (edited and in force),
 * which stays under the server's default body limit of 4 MiB.
 */
export const MAX_SAMPLE_TOKENS = 400_000;

/**
 * routing.explain's input for the sample. The server estimates a prompt's size from its text (about
 * four characters a token), so the sample carries a text of the size asked for: routing sees it as
 * it would see a real prompt of that size.
 */
export function explainInput(sample: SampleRequest) {
  const textTokens = Math.max(0, Math.round(sample.promptTokens) - OVERHEAD_TOKENS);
  const headers = Object.fromEntries(sample.headers.filter((header) => header.name.trim()).map((header) => [header.name.trim(), header.value]));
  return {
    model: sample.model.trim() || 'auto',
    messages: [{ role: 'user' as const, content: 'x'.repeat(textTokens * 4) }],
    grove: { ...(sample.taskType.trim() ? { taskType: sample.taskType.trim() } : {}), ...(sample.tags.length ? { tags: sample.tags } : {}) },
    headers,
    scope: sample.scope,
  };
}

/** The sample in one line, above its decision. */
export function describeSample(sample: SampleRequest): string {
  const parts = [`model ${sample.model.trim() || 'auto'}`];
  if (sample.taskType.trim()) parts.push(`task type ${sample.taskType.trim()}`);
  if (sample.tags.length) parts.push(`tags ${sample.tags.join(', ')}`);
  parts.push(`${sample.promptTokens.toLocaleString('en')} prompt tokens`);
  for (const header of sample.headers.filter((entry) => entry.name.trim())) parts.push(`${header.name.trim()}: ${header.value}`);
  parts.push(`as an ${sample.scope} key`);
  return parts.join(' · ');
}
