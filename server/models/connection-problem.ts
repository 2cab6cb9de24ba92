import type { ConnectionProblemKind } from '../../shared/connection-test';
import type { UpstreamErrorKind } from '../adapters/errors';
import type { ProviderName } from '../adapters/types';

/** Pure: from an adapter's error kind to what a connection test tells the operator. */

export interface ConnectionProblem {
  kind: ConnectionProblemKind;
  title: string;
  hint: string;
}

const KEY_HINT: Record<ProviderName, string> = {
  anthropic: 'an Anthropic key (sk-ant-…) from console.anthropic.com',
  gemini: 'a Gemini API key (AIza…) from aistudio.google.com',
  'openai-compatible': "the key this endpoint issues (OpenAI's start with sk-)",
  simulated: 'no key',
};

const BASE_URL_HINT: Record<ProviderName, string> = {
  anthropic: 'the host root, e.g. https://api.anthropic.com (Grove adds /v1/messages)',
  gemini: 'the host root, e.g. https://generativelanguage.googleapis.com (Grove adds /v1beta/models/…)',
  'openai-compatible': 'the URL up to and including /v1, e.g. https://api.openai.com/v1 (Grove adds /chat/completions)',
  simulated: 'none',
};

/**
 * `upstreamStatus` separates a body that could not be read (status 2xx, kind `server`: something
 * answered, not in this protocol) from a real upstream failure (5xx).
 */
export function connectionProblem(kind: UpstreamErrorKind, provider: ProviderName, upstreamStatus: number | undefined): ConnectionProblem {
  switch (kind) {
    case 'auth':
      return { kind: 'auth', title: 'The key was refused', hint: `Check the key: the endpoint expects ${KEY_HINT[provider]}. A key given as an environment variable is read from the Grove server's environment.` };
    case 'not_found':
      return { kind: 'not_found', title: 'Model or endpoint not found', hint: `Check the upstream model name (as the provider spells it) and the endpoint: ${BASE_URL_HINT[provider]}.` };
    case 'connection':
      return { kind: 'network', title: 'Nothing answered at that address', hint: `Check the endpoint's host and port, and that the Grove server can reach it (proxy, firewall, DNS). Expected: ${BASE_URL_HINT[provider]}.` };
    case 'timeout':
    case 'aborted':
      return { kind: 'timeout', title: 'No answer in time', hint: 'The endpoint accepted the connection but did not answer before the test gave up. Check that it is the right service and that it is not overloaded; a large model may need a longer timeout.' };
    case 'rate_limit':
    case 'overloaded':
      return { kind: 'rate_limit', title: 'Rate limited or overloaded', hint: 'The endpoint is reachable and the key works, but it refused more requests for now. Wait and test again, or check the quota of this key.' };
    case 'bad_request':
    case 'content_filter':
      return { kind: 'rejected', title: 'The request was refused', hint: 'The endpoint understood the call but refused it; its message below says why (often a model that needs other parameters).' };
    case 'server':
      if (upstreamStatus === undefined || upstreamStatus < 300) {
        return { kind: 'wrong_format', title: 'The answer is not in the expected format', hint: `Something answered, but not as the ${provider} protocol does. Check the provider and the endpoint: ${BASE_URL_HINT[provider]}.` };
      }
      return { kind: 'upstream_error', title: 'The upstream failed', hint: 'The endpoint answered with a server error. Try again later; if it persists, check the provider\'s status page.' };
  }
}

export const NO_KEY_TITLE = 'The key is not set on the Grove server';

export function noKeyProblem(envName: string): ConnectionProblem {
  return { kind: 'no_key', title: NO_KEY_TITLE, hint: `Set ${envName} in the environment of the Grove server and restart it, or give the key as a value (stored encrypted).` };
}

export function noMessageProblem(provider: ProviderName): ConnectionProblem {
  return { kind: 'wrong_format', title: 'The answer has no message', hint: `The endpoint answered 200, but with no reply in it. Check that it speaks the ${provider} protocol: ${BASE_URL_HINT[provider]}.` };
}
