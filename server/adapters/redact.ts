/**
 * Upstream text (an error body, an error event, a parser's complaint about what it read) with
 * secrets taken out, before it becomes an UpstreamError's message: that message reaches the
 * client (/v1 JSON and SSE, tRPC), the request log and the server log alike. An upstream that
 * rejects our key often quotes it ("Incorrect API key provided: sk-…"), whole or masked, and an
 * invoke-key client must never learn the operator's provider key that way.
 *
 * Taken out: every word holding 8 consecutive characters of the model's own key (or the whole
 * key, as a word of its own, when it is shorter), and every word shaped like a credential whoever's it is — OpenAI and
 * Anthropic keys (`sk-…`), Google keys (`AIza…`), Grove keys (`grove_…`), masked keys
 * (`sk-proj-****abcd`), a `Bearer`/`Basic` token, a `key=` (and the like) query parameter, and
 * long random-looking tokens (24+ characters of mixed case and digits, or 32+ hex digits). The
 * rest of the message is left as it was, so it stays readable.
 */
export const REDACTED = '[redacted]';

const KEY_RUN = 8;

/** Words as the checks see them: runs of anything that is not a space, a quote or punctuation that separates. */
const WORD = /[^\s"'`,;:=()<>[\]{}]+/g;
const SCHEME_TOKEN = /\b(Bearer|Basic)\s+[^\s"'`,;]+/gi;
const SECRET_QUERY = /([?&](?:key|api[_-]?key|access[_-]?token|token|sig|signature)=)[^&#\s"'`]+/gi;
const CREDENTIAL_PREFIX = /^(?:sk-|sk_|AIza|grove_)/;
const MASKED = /\*{4,}/;
const RANDOM_TOKEN = /^[A-Za-z0-9+/_-]{24,}$/;
const HEX_TOKEN = /^[0-9a-fA-F]{32,}$/;

export function redactSecrets(text: string, key?: string): string {
  const runs = keyRuns(key);
  return text
    .replace(SCHEME_TOKEN, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_QUERY, (_match, name: string) => `${name}${REDACTED}`)
    .replace(WORD, (word) => {
      // a sentence's full stop is not part of the secret before it
      const trimmed = word.replace(/[.!?]+$/, '');
      if (!isSecret(trimmed, key, runs)) return word;
      return REDACTED + word.slice(trimmed.length);
    });
}

function isSecret(word: string, key: string | undefined, runs: Set<string> | null): boolean {
  if (word.length === 0) return false;
  if (runs ? containsRun(word, runs) : word === key) return true;
  if (CREDENTIAL_PREFIX.test(word) && word.length >= 8) return true;
  if (MASKED.test(word)) return true;
  if (HEX_TOKEN.test(word)) return true;
  return RANDOM_TOKEN.test(word) && /[0-9]/.test(word) && /[a-z]/.test(word) && /[A-Z]/.test(word);
}

/** Every run of KEY_RUN characters of the key: a word holding any of them quotes the key, whole or in part. */
function keyRuns(key: string | undefined): Set<string> | null {
  if (!key || key.length < KEY_RUN) return null;
  const runs = new Set<string>();
  for (let start = 0; start + KEY_RUN <= key.length; start++) runs.add(key.slice(start, start + KEY_RUN));
  return runs;
}

function containsRun(word: string, runs: Set<string>): boolean {
  for (let start = 0; start + KEY_RUN <= word.length; start++) if (runs.has(word.slice(start, start + KEY_RUN))) return true;
  return false;
}
