import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';
import { modelObject } from '../routers/fixtures';

type App = Awaited<ReturnType<typeof buildApp>>;
const BODY_LIMIT = 64 * 1024;

/**
 * JSON bodies under /api are parsed as they arrive, read by read (server/http/json-body.ts): the
 * checks that a parser of the whole body makes must hold when the body comes in many pieces.
 */
describe('JSON bodies under /api, read as they arrive', () => {
  let grove: TestServices;
  let app: App;
  let url: string;
  beforeAll(async () => {
    grove = await startTestServices({ env: { GROVE_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    app = await buildApp(grove.services);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await grove.close();
  });

  /**
   * POST /api/v1/apply over a real socket, the body written in `pieces` with a pause after each, so
   * that each arrives as a read of its own (chunked, unless `headers` declare a length).
   */
  const apply = (pieces: string[], headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const outgoing = request(`${url}/api/v1/apply`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString(), headers: response.headers }));
      });
      // the server may answer (413) and close before the last piece: its answer is what counts
      outgoing.on('error', reject);
      void (async () => {
        for (const piece of pieces) {
          if (outgoing.destroyed) return;
          outgoing.write(piece);
          await sleep(5);
        }
        outgoing.end();
      })();
    });
  const inPieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));

  it('parses a body that arrives a few bytes at a time', async () => {
    const response = await apply(inPieces(JSON.stringify({ objects: [modelObject('in-pieces'), modelObject('in-pieces-2')], dryRun: true }), 40));
    expect(response.status, response.body).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ results: [{ id: 'in-pieces', action: 'created' }, { id: 'in-pieces-2', action: 'created' }] });
  });

  it('refuses a __proto__ or constructor key split between reads, wherever the split falls', async () => {
    const object = JSON.stringify(modelObject('split-poison'));
    const cases: Array<[string, string]> = [
      [`{"objects":[${object}],"__proto__":{"dryRun":true}}`, '__proto__'],
      [`{"objects":[${object}],"constructor":{"prototype":{}}}`, 'constructor'],
      [`{"objects":[${object}],"\\u005f_proto__":{}}`, '\\u005f'],
    ];
    for (const [poisoned, key] of cases) {
      const at = poisoned.indexOf(key);
      for (let cut = at + 1; cut < at + key.length; cut++) {
        // in two reads, and in three with the key's middle a read of its own
        for (const pieces of [[poisoned.slice(0, cut), poisoned.slice(cut)], [poisoned.slice(0, cut), poisoned.slice(cut, cut + 2), poisoned.slice(cut + 2)]]) {
          const response = await apply(pieces);
          expect(response.status, pieces.join(' | ').slice(-60)).toBe(400);
        }
      }
    }
    expect(grove.services.registry.snapshot.models.map((model) => model.metadata.id)).not.toContain('split-poison');
  });

  it('answers 413 for a declared length over the limit, and for a body that grows past it', async () => {
    const declared = await apply(['{}'.padEnd(BODY_LIMIT + 1)], { 'content-length': String(BODY_LIMIT + 1) });
    expect(declared.status).toBe(413);
    const big = JSON.stringify({ objects: [modelObject('big', { model: 'x'.repeat(BODY_LIMIT) })] });
    const grown = await apply(inPieces(big, 8192));
    expect(grown.status).toBe(413);
    expect(grown.headers.connection).toBe('close');
    expect(grove.services.registry.snapshot.models.map((model) => model.metadata.id)).not.toContain('big');
  });

  it('answers 400 for an empty body and for invalid JSON', async () => {
    expect((await apply([], { 'content-length': '0' })).status).toBe(400);
    expect((await apply(['{"objects"', ': ['])).status).toBe(400);
  });
});
