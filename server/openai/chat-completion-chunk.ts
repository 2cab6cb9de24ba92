import type { ChatDelta, FinishReason } from '../adapters/types';
import { toOpenAIUsage, type CompletionMeta, type OpenAIUsageObject } from './chat-completion';

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: ChunkToolCallDelta[];
}

export interface ChatCompletionChunkObject {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: ChunkDelta; logprobs: null; finish_reason: FinishReason | null }[];
  usage?: OpenAIUsageObject;
}

function chunk(meta: CompletionMeta, delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunkObject {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The first chunk of every stream, as OpenAI sends it: the role and an empty content. */
export function toRoleChunk(meta: CompletionMeta): ChatCompletionChunkObject {
  return chunk(meta, { role: 'assistant', content: '' });
}

/**
 * One ChatDelta as one chat.completion.chunk. A usage delta becomes OpenAI's usage chunk
 * (`choices: []`), which the caller sends only when the client asked for include_usage.
 */
export function toChunk(delta: ChatDelta, meta: CompletionMeta): ChatCompletionChunkObject {
  switch (delta.type) {
    case 'text':
      return chunk(meta, { content: delta.text });
    case 'reasoning':
      return chunk(meta, { reasoning_content: delta.text });
    case 'tool_call': {
      const call: ChunkToolCallDelta = { index: delta.index, function: { arguments: delta.arguments } };
      if (delta.id !== undefined) {
        call.id = delta.id;
        call.type = 'function';
      }
      if (delta.name !== undefined) call.function.name = delta.name;
      return chunk(meta, { tool_calls: [call] });
    }
    case 'finish':
      return chunk(meta, {}, delta.finishReason);
    case 'usage':
      return { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, choices: [], usage: toOpenAIUsage(delta.usage) };
  }
}

/** One SSE event; chunks are JSON-encoded once, here. */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

export interface ChunkEncoder {
  /** The first event of the stream: `sseData(toRoleChunk(meta))`. */
  readonly roleEvent: string;
  /** One delta as its SSE event: `sseData(toChunk(delta, meta))`. */
  encode(delta: ChatDelta): string;
}

/**
 * The SSE events of one stream, written around prefixes made once per stream: of every event but
 * a tool call's (rare, and built as an object), only the variable part is encoded, and no chunk
 * object is built. The bytes are those of `sseData(toChunk(delta, meta))`.
 */
export function chunkEncoder(meta: CompletionMeta): ChunkEncoder {
  const base = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${JSON.stringify(meta.created)},"model":${JSON.stringify(meta.model)},`;
  const head = `${base}"choices":[{"index":0,"delta":{`;
  const close = (finishReason: string) => `},"logprobs":null,"finish_reason":${finishReason}}]}\n\n`;
  const tail = close('null');
  return {
    roleEvent: `${head}"role":"assistant","content":""${tail}`,
    encode(delta) {
      switch (delta.type) {
        case 'text':
          return `${head}"content":${JSON.stringify(delta.text)}${tail}`;
        case 'reasoning':
          return `${head}"reasoning_content":${JSON.stringify(delta.text)}${tail}`;
        case 'finish':
          return `${head}${close(JSON.stringify(delta.finishReason))}`;
        case 'usage':
          return `${base}"choices":[],"usage":${JSON.stringify(toOpenAIUsage(delta.usage))}}\n\n`;
        default:
          return sseData(toChunk(delta, meta));
      }
    },
  };
}
