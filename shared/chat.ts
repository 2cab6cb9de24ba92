import { z } from 'zod';

/**
 * The OpenAI chat-completions request body: the one request shape every adapter accepts.
 * Unknown top-level fields are kept (looseObject) so an OpenAI-compatible upstream still gets the
 * fields Grove does not know; adapters for other protocols simply ignore them.
 */

export const textPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
export const imagePartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
export const refusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
// Audio and file parts are accepted so that a pass-through upstream can use them.
const otherPartSchema = z.looseObject({ type: z.enum(['input_audio', 'file']) });

export const contentPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema, otherPartSchema]);

export const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').default('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const textContent = z.union([z.string(), z.array(textPartSchema)]);

export const chatMessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: textContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal('developer'), content: textContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(contentPartSchema)]),
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPartSchema, refusalPartSchema]))]).nullish(),
    tool_calls: z.array(toolCallSchema).optional(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
]);

export const chatToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const tokenLimit = z.number().int().positive().nullish();

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  tools: z.array(chatToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: tokenLimit,
  max_completion_tokens: tokenLimit,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  response_format: responseFormatSchema.optional(),
  seed: z.number().int().nullish(),
  user: z.string().optional(),
  // one choice per request: the adapters answer with one, so n > 1 would be billed n times for nothing
  n: z.number().int().min(1).max(1, 'only n: 1 is supported (one choice per request); send several requests for several answers').nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  // Routing hints; their shape belongs to the routing engine, which validates it.
  grove: z.unknown().optional(),
});

export type ChatRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ContentPart = z.infer<typeof contentPartSchema>;
export type ChatTool = z.infer<typeof chatToolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** `messages[0].content` style path, as OpenAI reports it in `error.param`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/** The first issue as one readable sentence plus its path, for an OpenAI error object. */
export function describeChatRequestError(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  if (!issue) return { message: 'Invalid request body.', param: null };
  const param = issuePath(issue.path);
  return { message: param ? `${param}: ${issue.message}` : issue.message, param: param || null };
}

export type ParsedChatRequest =
  | { success: true; data: ChatRequest }
  | { success: false; message: string; param: string | null };

export function parseChatRequest(body: unknown): ParsedChatRequest {
  const result = chatCompletionRequestSchema.safeParse(body);
  if (result.success) return { success: true, data: result.data };
  return { success: false, ...describeChatRequestError(result.error) };
}
