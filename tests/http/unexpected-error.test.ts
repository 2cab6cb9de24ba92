import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { DatabaseUnavailableError } from '../../server/errors';
import { unexpectedError } from '../../server/http/unexpected-error';
import { openAIErrorBody } from '../../server/openai';

/** The one logger, writing into memory. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }));
  return { logger, lines };
}

/**
 * /v1 never waits on the database for an answer (the request log is written in batches, after),
 * so a database failure cannot be provoked there over HTTP: the mapping every /v1 route shares is
 * tested with a real driver error instead.
 */
describe('/v1 errors that are not GatewayErrors', () => {
  it('a database failure is a 503 service_unavailable "database unavailable"; the detail is logged with the request id', async () => {
    const database = await openDatabase({});
    await database.close();
    const failure = await database.db.execute(sql`select secret_column from api_keys`).then(
      () => undefined,
      (error: unknown) => error,
    );
    const { logger, lines } = capturingLogger();
    const error = unexpectedError(failure, logger, 'request-42');
    expect(error.status).toBe(503);
    const body = JSON.stringify(openAIErrorBody(error.status, error.message, error.type, error.code, error.param));
    expect(JSON.parse(body)).toEqual({ error: { message: 'database unavailable', type: 'service_unavailable', param: null, code: 'database_unavailable' } });
    expect(body).not.toMatch(/secret_column|select/);
    expect(lines.join('')).toMatch(/request-42/);
    expect(lines.join('')).toMatch(/secret_column/);

    expect(unexpectedError(new DatabaseUnavailableError('unreachable', 'database unavailable'), logger, 'request-43').status).toBe(503);
  });

  it('anything else is a 500 that says nothing of its cause', () => {
    const { logger, lines } = capturingLogger();
    const error = unexpectedError(new Error("ENOENT: no such file or directory, open '/srv/grove/x.json'"), logger, 'request-44');
    expect(error.status).toBe(500);
    expect(error.message).not.toMatch(/srv|ENOENT/);
    expect(lines.join('')).toMatch(/request-44.*ENOENT|ENOENT.*request-44/);
  });
});
