import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../server/adapters/redact';

const openAIKey = 'sk-proj-Xq7Lm2Vb9Tn4Rk8Wd3Hf6Js1Pa5Ge0CzUy';
const plainKey = 'vllm-token-4f1c9a7e2b8d';

describe('redactSecrets', () => {
  it.each([
    ['the model key, whole', `Incorrect API key provided: ${plainKey}.`, plainKey, 'Incorrect API key provided: [redacted].'],
    ['the model key, masked as OpenAI prints it', 'Incorrect API key provided: vllm-tok************2b8d.', plainKey, 'Incorrect API key provided: [redacted].'],
    ['a part of the model key inside a longer word', `token=abc${plainKey.slice(4, 16)}xyz`, plainKey, 'token=[redacted]'],
    ['an OpenAI key of anyone', `Incorrect API key provided: ${openAIKey}. You can find your API key at https://platform.openai.com/account/api-keys.`, undefined, 'Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.'],
    ['an Anthropic key', 'invalid x-api-key: sk-ant-api03-abcdefgh-12345678', undefined, 'invalid x-api-key: [redacted]'],
    ['a Google key', 'API key not valid: AIzaSyD4x9Q2mR7tL1vK8pN3wC6yH0jF5bS2gZe. Please pass a valid API key.', undefined, 'API key not valid: [redacted]. Please pass a valid API key.'],
    ['a Grove key', 'key "grove_live_0123456789abcdef" is revoked', undefined, 'key "[redacted]" is revoked'],
    ['a bearer token', 'sent Authorization: Bearer abc.def.ghi', undefined, 'sent Authorization: Bearer [redacted]'],
    ['a key in a URL query', 'GET https://example.test/v1beta/models?alt=sse&key=secretvalue&x=1 failed', undefined, 'GET https://example.test/v1beta/models?alt=sse&key=[redacted]&x=1 failed'],
    ['a long random token', 'session Zt4Qm9Rx2Lp7Vb3Nk8Wc6Hy1Jd5Fg0S expired', undefined, 'session [redacted] expired'],
    ['a long hex secret', 'signature 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 mismatch', undefined, 'signature [redacted] mismatch'],
  ])('takes out %s', (_name, text, key, expected) => {
    expect(redactSecrets(text, key)).toBe(expected);
  });

  it.each([
    'model claude-sonnet-4-5-20250929 not found',
    'max_tokens: 500000 > 64000, which is the maximum allowed number of output tokens for gpt-4o-mini-2024-07-18',
    'The model `gemini-2.0-flash` does not exist or you do not have access to it.',
    'Overloaded',
  ])('leaves an ordinary message as it was: %s', (text) => {
    expect(redactSecrets(text, plainKey)).toBe(text);
  });

  it('takes a short key out only as a word of its own', () => {
    expect(redactSecrets('key abc123 is not abc1234', 'abc123')).toBe('key [redacted] is not abc1234');
  });
});
