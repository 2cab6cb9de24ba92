import type { ChatRequest } from '../../../shared/chat';
import type { ModelTarget } from '../types';

/**
 * The client's body as is, fields Grove does not know included (vLLM, Ollama and OpenRouter
 * each have their own), minus Grove's routing hints, with the upstream model name.
 */
export function buildOpenAIRequest(target: ModelTarget, request: ChatRequest, stream: boolean): Record<string, unknown> {
  const { grove: _grove, stream: _stream, stream_options: streamOptions, ...rest } = request;
  const body: Record<string, unknown> = { ...rest, model: target.model };
  // Usage is always asked for, since Grove prices every answer; OpenAI rejects stream_options without stream.
  if (stream) {
    body.stream = true;
    body.stream_options = { ...streamOptions, include_usage: true };
  }
  return body;
}
