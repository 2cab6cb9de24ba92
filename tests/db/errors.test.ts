import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { isDatabaseError } from '../../db/errors';
import { UpstreamError } from '../../server/adapters/errors';
import { DatabaseUnavailableError, GroveError, isDatabaseUnavailable } from '../../server/errors';
import { freshPostgresDatabase, testDrivers } from '../support/database';

/** The error a real driver throws, caught. */
async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
}

/** An error from a fetch to a port nobody listens on: a socket error, as a cause. */
async function refusedFetch(): Promise<unknown> {
  return caught(() => fetch('http://127.0.0.1:1/'));
}

describe.each(testDrivers)('isDatabaseError on %s', (driver) => {
  it('recognises what the driver throws: bad SQL, a closed handle', async () => {
    const postgres = driver === 'postgres' ? await freshPostgresDatabase() : undefined;
    const database = await openDatabase({ url: postgres?.url });
    try {
      const badQuery = await caught(() => database.db.execute(sql`select nope from nowhere`));
      expect(isDatabaseError(badQuery)).toBe(true);
      await database.close();
      const closed = await caught(() => database.db.execute(sql`select 1`));
      expect(isDatabaseError(closed)).toBe(true);
      expect(isDatabaseUnavailable(closed)).toBe(true);
      if (postgres) {
        // COPY goes through pg: its own DatabaseError
        const copy = await openDatabase({ url: postgres.url });
        const refused = await caught(() => copy.copyIn('nowhere', ['a'], 'x\n'));
        await copy.close();
        expect(isDatabaseError(refused)).toBe(true);
      }
    } finally {
      await postgres?.drop();
    }
  });
});

describe('isDatabaseError', () => {
  it('recognises a PostgreSQL that is gone (connection refused)', async () => {
    const gone = await caught(() => openDatabase({ url: 'postgres://postgres@127.0.0.1:1/postgres' }));
    expect(isDatabaseError(gone)).toBe(true);
  });

  it('does not take our own errors, or an upstream connection failure, for the database', async () => {
    const fetchFailure = await refusedFetch();
    const upstream = new UpstreamError({ kind: 'connection', message: 'connect refused', provider: 'openai-compatible', modelId: 'm', cause: fetchFailure });
    for (const error of [new Error('boom'), new GroveError('CONFLICT', 'taken'), fetchFailure, upstream, 'a string', null]) {
      expect(isDatabaseError(error)).toBe(false);
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });

  it('isDatabaseUnavailable also takes the server own DatabaseUnavailableError, also as a cause', () => {
    const timeout = new DatabaseUnavailableError('timeout', 'database write timed out', { cause: new Error('timer') });
    expect(timeout.name).toBe('DatabaseUnavailableError');
    expect(isDatabaseUnavailable(timeout)).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: timeout }))).toBe(true);
    
  });
});
