import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel, startGateway, type GatewayHarness } from '../support/gateway';

/**
 * A refused large body is still an answer: the client that keeps uploading after the server said
 * 413 must read that 413, never lose it to a connection reset (EPIPE / ECONNRESET) because the
 * server closed the socket with the rest of the upload unread.
 */
const BODY_LIMIT = 4096;
const UPLOAD_BYTES = 30 * 1024 * 1024;
const TRIES = 50;

interface UploadOutcome {
  status: number;
  body: string;
  /** the socket error the client saw, if any */
  error?: string;
  written: number;
}

/** Sends a head declaring `bytes` and then writes the whole body as fast as the socket takes it, reading whatever comes back. */
function upload(port: number, head: string, bytes: number): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const piece = Buffer.alloc(256 * 1024, 'x');
    let written = 0;
    let error: string | undefined;
    const pump = () => {
      while (written < bytes && !socket.destroyed) {
        const size = Math.min(piece.length, bytes - written);
        written += size;
        if (!socket.write(size === piece.length ? piece : piece.subarray(0, size))) return void socket.once('drain', pump);
      }
      if (written >= bytes) socket.end();
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (failure: NodeJS.ErrnoException) => (error = failure.code ?? failure.message));
    socket.on('close', () => {
      const raw = Buffer.concat(received).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      resolve({ status: Number(raw.slice(0, split).split(' ')[1] ?? 0), body: split < 0 ? '' : raw.slice(split + 4), error, written });
    });
  });
}

describe('an oversized body over a real socket', () => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  let port: number;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    gateway = await startGateway({ env: { GROVE_BODY_LIMIT_BYTES: String(BODY_LIMIT) }, objects: [gatewayModel('limit-live', 'openai-compatible', fake.url)] });
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  const head = (key: string) => ['POST /v1/chat/completions HTTP/1.1', 'host: 127.0.0.1', `authorization: Bearer ${key}`, 'content-type: application/json', `content-length: ${UPLOAD_BYTES}`, '', ''].join('\r\n');

  it(`answers a ${UPLOAD_BYTES / 1024 / 1024} MB upload with a readable 413, ${TRIES} times in a row, never with a reset`, async () => {
    const outcomes: UploadOutcome[] = [];
    for (let attempt = 0; attempt < TRIES; attempt += 1) outcomes.push(await upload(port, head(gateway.invokeKey), UPLOAD_BYTES));
    const failures = outcomes.filter((outcome) => outcome.status !== 413 || outcome.error !== undefined);
    expect(failures.map(({ status, error, written }) => ({ status, error, written }))).toEqual([]);
    expect(JSON.parse(outcomes[0]!.body).error.code).toBe('request_too_large');
  }, 120_000);

  it('answers an unauthenticated upload with a readable 401, never with a reset', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const outcome = await upload(port, head('grove_not_a_key'), UPLOAD_BYTES);
      expect({ status: outcome.status, error: outcome.error }).toEqual({ status: 401, error: undefined });
    }
  }, 60_000);
});
