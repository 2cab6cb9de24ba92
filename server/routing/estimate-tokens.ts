/** What estimatePromptTokens reads of a chat message; any OpenAI-style message fits. */
export interface EstimatableMessage {
  role?: string;
  content?: unknown;
  name?: string;
  tool_calls?: unknown;
}

// roughly what chat templates add around each message and before the reply
const PER_MESSAGE = 4;
const PER_REQUEST = 3;
// a non-text part (an image, audio): a flat guess, since its real cost depends on the provider
const PER_OTHER_PART = 256;

function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || value === undefined) return 0;
  return JSON.stringify(value).length;
}

function contentTokens(content: unknown): number {
  if (typeof content === 'string') return Math.ceil(content.length / 4);
  if (!Array.isArray(content)) return Math.ceil(textLength(content) / 4);
  let tokens = 0;
  for (const part of content) {
    const text = typeof part === 'object' && part !== null ? (part as { text?: unknown }).text : part;
    tokens += typeof text === 'string' ? Math.ceil(text.length / 4) : PER_OTHER_PART;
  }
  return tokens;
}

/**
 * A cheap prompt-size estimate, about four characters a token plus per-message overhead: used to
 * check context windows and match promptTokens rules before any tokenizer runs, so it errs a
 * little high rather than low.
 */
export function estimatePromptTokens(messages: readonly EstimatableMessage[]): number {
  let tokens = PER_REQUEST;
  for (const message of messages) {
    tokens += PER_MESSAGE + contentTokens(message.content);
    if (message.name) tokens += Math.ceil(message.name.length / 4);
    if (message.tool_calls !== undefined) tokens += Math.ceil(textLength(message.tool_calls) / 4);
  }
  return tokens;
}
