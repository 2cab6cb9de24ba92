import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one POST: a status, or no answer at all (`hang`: it holds the request open). */
export type WebhookAnswer = number | 'hang';

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** what the receiver answered it */
  answer: WebhookAnswer;
}

export interface FakeWebhook {
  url: string;
  received: ReceivedWebhook[];
  /** answers for the next POSTs, one each, before `setAnswer`'s applies again (e.g. 500, 500, then 200) */
  queueAnswers(...answers: WebhookAnswer[]): void;
  setAnswer(answer: WebhookAnswer): void;
  /** POSTs being held open (hang) right now */
  readonly hanging: number;
  close(): Promise<void>;
}

/** An alert webhook target on 127.0.0.1 that records every POST and answers as told. */
export async function startFakeWebhook(): Promise<FakeWebhook> {
  const received: ReceivedWebhook[] = [];
  const queued: WebhookAnswer[] = [];
  const held = new Set<ServerResponse>();
  let standing: WebhookAnswer = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = queued.shift() ?? standing;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ at: Date.now(), headers: request.headers, body, answer });
      if (answer === 'hang') {
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      }
      response.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: answer < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    queueAnswers: (...answers) => void queued.push(...answers),
    setAnswer: (answer) => void (standing = answer),
    get hanging() {
      return held.size;
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
