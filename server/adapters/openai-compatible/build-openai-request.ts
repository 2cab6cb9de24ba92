import type { ChatRequest } from '../../../shared/chat';
import type { ModelTarget } from '../types';

/**
 * The client's body as is, fields Grove does not know included (vLLM, Ollama and OpenRouter
 * each have their own), minus Grove's routing hints, with the upstream model name.
 */
export function buildOpenAIRequest(target: ModelTarget, request: ChatRequest, stream: boolean): Record<string, unknown> {
  // a copy by loop: a rest pattern over a body of unknown keys costs several times as much
  const body: Record<string, unknown> = {};
  for (const key in request) if (!omitted.has(key)) body[key] = request[key as keyof ChatRequest];
  body.model = target.model;
  // Usage is always asked for, since Grove prices every answer; OpenAI rejects stream_options without stream.
  if (stream) {
    body.stream = true;
    body.stream_options = { ...request.stream_options, include_usage: true };
  }
  return body;
}

const omitted = new Set(['grove', 'stream', 'stream_options']);
