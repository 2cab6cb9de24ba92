import { chatCompletionRequestSchema, issuePath, parseChatRequest } from '../../shared/chat';
import { fixtureJson } from '../fakes';

describe('chat completion request schema', () => {
  it.each(['request.json', 'request-stream.json', 'request-tools.json'])('accepts the golden %s unchanged', (name) => {
    const golden = fixtureJson<Record<string, unknown>>('openai', name);
    const parsed = parseChatRequest(golden);
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.data).toEqual(golden);
  });

  it('keeps unknown top-level fields and the grove extension', () => {
    const parsed = chatCompletionRequestSchema.parse({
      model: 'auto',
      messages: [{ role: 'user', content: 'hi' }],
      top_k: 3,
      grove: { taskType: 'code-review' },
      stream_options: { include_usage: true },
    });
    expect(parsed).toMatchObject({ top_k: 3, grove: { taskType: 'code-review' }, stream_options: { include_usage: true } });
  });

  it('accepts every role, content parts, tool calls and the sampling fields', () => {
    const parsed = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 's' }] },
        { role: 'developer', content: 'd' },
        { role: 'user', content: [{ type: 'text', text: 'u' }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'r' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      temperature: 1.5,
      top_p: 0.9,
      max_completion_tokens: 100,
      stop: ['a', 'b'],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } },
      seed: 1,
      user: 'u',
      n: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
    });
    expect(parsed.success).toBe(true);
  });

  it.each([
    [{ model: 'm' }, 'messages', /^messages: /],
    [{ model: 'm', messages: [] }, 'messages', /too small|>=1/i],
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model', /^model: /],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /^messages\[0\]\.role: /],
    [{ model: 'm', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', /^messages\[0\]\.content: /],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', /tool_call_id/],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, 'temperature', /^temperature: /],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 }, 'temperature', /^temperature: /],
  ])('rejects %j with a message naming %s', (body, param, message) => {
    const parsed = parseChatRequest(body);
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.param).toBe(param);
      expect(parsed.message).toMatch(message);
    }
  });

  it('rejects a body that is not an object, with no param', () => {
    const parsed = parseChatRequest('hello');
    expect(parsed).toMatchObject({ success: false, param: null });
  });

  it('writes paths the way OpenAI reports error.param', () => {
    expect(issuePath(['messages', 2, 'content', 0, 'text'])).toBe('messages[2].content[0].text');
    expect(issuePath([])).toBe('');
  });
});
