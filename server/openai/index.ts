export { toChatCompletion, toOpenAIUsage, type ChatCompletionObject, type CompletionMeta, type OpenAIUsageObject } from './chat-completion';
export { chunkEncoder, toChunk, toRoleChunk, sseData, SSE_DONE, type ChatCompletionChunkObject } from './chat-completion-chunk';
export { openAIErrorBody, defaultErrorType, upstreamErrorToOpenAI, type OpenAIErrorBody, type OpenAIErrorResponse } from './error-body';
