import { writeFileSync } from 'node:fs';
import { ADMIN_KEY, runCli, startCliServer, type CliServer } from './cli-server';
let server: CliServer;
beforeAll(async () => { server = await startCliServer(); });
afterAll(async () => { await server.close(); });
test('peek', async () => {
  const env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
  writeFileSync('/tmp/peek-bad.yaml', 'apiVersion: grove/v1\nkind: Capability\nmetadata: { id: c1 }\nspec: { defaultScore: 10 }\n---\napiVersion: grove/v1\nkind: Model\nmetadata: { id: m1 }\nspec:\n  provider: nope\n  model: x\n  pricing: { inputPer1M: -1, outputPer1M: 2 }\n  capabilities: { reasoning: 500 }\n  contextWindow: 10\n  maxOutputTokens: 1000\n  fallbacks: [ghost]\n---\n- 1\n- apiVersion: grove/v2\n');
  writeFileSync('/tmp/peek-syntax.yaml', 'a: 1\n---\nb: [1, 2\nc: 3\n');
  for (const args of [['apply', '-f', '/tmp/peek-bad.yaml'], ['apply', '-f', '/tmp/peek-syntax.yaml'], ['apply', '--bogus'], ['keys'], ['export', '-o', 'xml'], ['apply', '-f', 'examples/models.yaml', '--url', 'http://127.0.0.1:9']]) {
    const r = await runCli(args, { env }); console.log(args.join(' '), '→', r.code, '\n' + r.stdout + r.stderr);
  }
});
