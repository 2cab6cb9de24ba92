import type { ChatRequest, ToolChoice } from '../../../shared/chat';
import type { ModelTarget } from '../types';
import { convertToGeminiContents } from './convert-to-gemini-contents';

export function buildGeminiRequest(target: ModelTarget, request: ChatRequest): Record<string, unknown> {
  const { contents, systemInstruction } = convertToGeminiContents(request.messages, { provider: target.provider, modelId: target.id });
  const body: Record<string, unknown> = { contents, generationConfig: generationConfig(request) };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  if (request.tools && request.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description !== undefined ? { description: tool.function.description } : {}),
          // Plain JSON Schema, so the client's schema need not be trimmed to Gemini's OpenAPI subset.
          ...(tool.function.parameters !== undefined ? { parametersJsonSchema: tool.function.parameters } : {}),
        })),
      },
    ];
  }
  const toolConfig = convertToolChoice(request.tool_choice);
  if (toolConfig) body.toolConfig = toolConfig;
  return body;
}

function generationConfig(request: ChatRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) config.maxOutputTokens = maxTokens;
  if (request.stop !== undefined && request.stop !== null) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  setIfPresent(config, 'temperature', request.temperature);
  setIfPresent(config, 'topP', request.top_p);
  setIfPresent(config, 'candidateCount', request.n);
  setIfPresent(config, 'seed', request.seed);
  setIfPresent(config, 'presencePenalty', request.presence_penalty);
  setIfPresent(config, 'frequencyPenalty', request.frequency_penalty);
  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
  }
  return config;
}

function setIfPresent(config: Record<string, unknown>, key: string, value: number | null | undefined): void {
  if (value !== undefined && value !== null) config[key] = value;
}

function convertToolChoice(choice: ToolChoice | undefined): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}
