import type { GroveError } from '../errors';
import { openAIErrorBody } from '../openai';

/** A GroveError as /v1 answers it: OpenAI's error object, with the error's status and headers. */
export function renderOpenAIError(error: GroveError): string {
  return JSON.stringify(openAIErrorBody(error.status, error.message, error.type, error.code, error.param));
}
