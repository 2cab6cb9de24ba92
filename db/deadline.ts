import type { Database } from './client';
import { isConnectionLoss, isStatementTimeout } from './errors';

/**
 * The database did not answer in time (or could not be reached): callers answer 503 "database
 * unavailable" rather than wait on a hung socket. `reason` tells a timeout from a refusal.
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly reason: 'timeout' | 'unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export interface DeadlineOptions {
  /** how long the caller waits for the work, commit included */
  timeoutMs: number;
  /**
   * How long the database may still commit after it was asked to: PostgreSQL's
   * idle_in_transaction_session_timeout, which ends a session whose COMMIT has not arrived, so that
   * a COMMIT held up on the network can no longer land once this has passed. 0 where no network
   * lies between (PGlite).
   */
  commitGraceMs: number;
  /** what was being done, for the error message */
  what: string;
}

/** Handed to the work of `withDeadline`: it reports answers, and asks before committing. */
export interface Deadline {
  /**
   * The database answered: the wait starts again from now. A long transaction whose statements
   * each answer in time (a 10,000-object apply) is not cut short; one that waits `timeoutMs` for
   * a single answer is.
   */
  answered(): void;
  /**
   * Call just before the COMMIT goes out. Throws (so the work rolls back instead) if the caller was
   * already told that the work failed; otherwise the caller is not told so before the COMMIT has
   * landed or can no longer land.
   */
  beforeCommit(): void;
  /** true once the caller has been told that the work failed */
  readonly expired: boolean;
}

/**
 * Runs database work that the caller waits for at most `timeoutMs` after the database last
 * answered (`deadline.answered()`; from the start until the first answer). When that passes, the
 * caller gets a DatabaseUnavailableError while the work may still be stuck on a hung connection;
 * the work must then never commit: `beforeCommit` throws once the caller has given up, so the
 * transaction rolls back whenever its statements come back. The one race left, a COMMIT that went
 * out just before the timeout and hangs, is closed by waiting `commitGraceMs` after it went out
 * before giving up: by then the server has either committed it or ended the session (rolled back).
 */
export function withDeadline<T>(options: DeadlineOptions, work: (deadline: Deadline) => Promise<T>): Promise<T> {
  let expired = false;
  let commitSentAt: number | null = null;
  let lastAnswerAt = Date.now();
  const deadline: Deadline = {
    answered() {
      lastAnswerAt = Date.now();
    },
    beforeCommit() {
      if (expired) throw timeoutError(options, false);
      commitSentAt = Date.now();
    },
    get expired() {
      return expired;
    },
  };
  return new Promise<T>((resolve, reject) => {
    const expire = () => {
      // an answer since the timer was set moved the limit: the timer follows it
      const limit = Math.max(lastAnswerAt + options.timeoutMs, commitSentAt === null ? 0 : commitSentAt + options.commitGraceMs);
      const wait = limit - Date.now();
      if (wait > 0) {
        timer = setTimeout(expire, wait);
        return;
      }
      expired = true;
      reject(timeoutError(options, commitSentAt !== null));
    };
    let timer = setTimeout(expire, options.timeoutMs);
    const settle = () => clearTimeout(timer);
    let running: Promise<T>;
    try {
      running = work(deadline);
    } catch (error) {
      settle();
      reject(error);
      return;
    }
    running.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        // after the caller was told, the rollback's own error is of no interest to anyone
        if (!expired) reject(error);
      },
    );
  });
}

function timeoutError(options: DeadlineOptions, commitSent: boolean): DatabaseUnavailableError {
  const outcome = commitSent ? 'it did not confirm the commit, which may or may not have been saved' : 'nothing was saved';
  return new DatabaseUnavailableError('timeout', `the database did not answer within ${options.timeoutMs} ms (${options.what}): ${outcome}`);
}

/** What /readyz reports of the database. */
export type DatabaseReachability = 'reachable' | 'unreachable' | 'timeout';

/** A ping that answers within `timeoutMs` even when the database hangs. */
export async function probe(ping: () => Promise<boolean>, timeoutMs: number): Promise<DatabaseReachability> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const answered = ping().then(
    (reachable) => (reachable ? 'reachable' : 'unreachable') as DatabaseReachability,
    () => 'unreachable' as const,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Gives every transaction on `db` a deadline (./deadline.ts withDeadline): the caller waits at most
 * `timeoutMs` for each answer of the database, and a transaction whose caller gave up sends no
 * more statements and rolls back instead of committing late. Set once on the handle, so that every
 * repository's transaction has it without knowing of it.
 *
 * A transaction whose connection is lost midway (the server ended the session, the network
 * dropped) is abandoned where it stands: its caller gets the driver's error, its work's next
 * statement is refused, and the driver is never asked to roll back or commit on that connection.
 * postgres.js 3.4 would send that ROLLBACK or COMMIT on the closed connection, and it throws from
 * a timer there (`Cannot read properties of null (reading 'write')`), which ends the process.
 */
export function guardTransactions(db: Database, options: Omit<DeadlineOptions, 'what'>): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((work, config) =>
    withDeadline({ ...options, what: 'a transaction' }, (deadline) => {
      let workDone = false;
      let connectionLost = false;
      const running = transaction(async (tx) => {
        // it waited for a connection past its deadline: do nothing at all
        if (deadline.expired) throw new DatabaseUnavailableError('timeout', 'the transaction started after its caller gave up');
        watchStatements(tx, {
          refusal: () =>
            connectionLost
              ? new DatabaseUnavailableError('unreachable', 'the connection was lost in the middle of the transaction')
              : deadline.expired
                ? new DatabaseUnavailableError('timeout', 'the transaction went on after its caller gave up')
                : undefined,
          answered: () => deadline.answered(),
        });
        let result: Awaited<ReturnType<typeof work>>;
        try {
          result = await work(tx);
        } catch (error) {
          if (connectionLost || isConnectionLoss(error)) return abandoned();
          // the server's statement_timeout and our deadline are the same limit, and either may
          // answer first: the caller hears the same timeout whichever did
          if (isStatementTimeout(error)) throw new DatabaseUnavailableError('timeout', `the database did not answer within ${options.timeoutMs} ms (a transaction): the statement was cancelled`, { cause: error });
          throw error;
        } finally {
          workDone = true;
        }
        if (connectionLost) return abandoned();
        // returning lets the driver send COMMIT; throwing makes it roll back
        deadline.beforeCommit();
        return result;
      }, config);
      // the driver settles the transaction before its work only when the connection went away
      running.catch(() => {
        if (!workDone) connectionLost = true;
      });
      return running;
    })) as Database['transaction'];
}

/** Never settles: the driver waits on it for good instead of writing to a dead connection. */
function abandoned(): Promise<never> {
  return new Promise<never>(() => {});
}

/**
 * Every statement of the transaction `tx` passes through here: one is refused (rejects with the
 * error `refusal` gives, sending nothing) when the transaction must not go on, and `answered` is
 * called when the database has answered one. `tx` has a session of its own with both drivers.
 */
function watchStatements(tx: Transaction, hooks: { refusal(): Error | undefined; answered(): void }): void {
  const session = tx._.session as unknown as { prepareQuery: (...args: unknown[]) => PreparedStatement };
  const prepare = session.prepareQuery.bind(session);
  session.prepareQuery = (...args) => {
    const prepared = prepare(...args);
    for (const method of ['execute', 'all'] as const) {
      const run = prepared[method]?.bind(prepared);
      if (!run) continue;
      prepared[method] = (...runArgs) => {
        const refused = hooks.refusal();
        if (refused) return Promise.reject(refused);
        return run(...runArgs).finally(hooks.answered);
      };
    }
    return prepared;
  };
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
type PreparedStatement = Partial<Record<'execute' | 'all', (...args: unknown[]) => Promise<unknown>>>;
