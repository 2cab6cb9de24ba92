/**
 * The messages between the server's thread and the embedded database's worker thread
 * (./embedded.ts and ./embedded-worker.ts). Everything in them survives structured cloning: SQL,
 * parameters, rows, and errors flattened to their fields.
 */

/** What the worker is started with (its `workerData`). */
export interface WorkerStart {
  /**
   * `create`: make a new data folder (from the template, else with initdb) and exit, so that the
   * memory initdb takes is given back with the thread; a usable template is extracted before any
   * worker starts (./embedded.ts), so this runs only when initdb must. `serve`: open the database
   * (a folder without PG_VERSION is made first, as `create` would), apply the migrations, answer
   * requests.
   */
  job: 'create' | 'serve';
  /** the data folder; absent means in memory */
  dataDir?: string;
  migrationsFolder: string;
  /** PostgreSQL settings, `-c name=value` pairs (./pglite-settings.ts) */
  settings: string[];
}

/** A request without its id (the sender numbers them). */
export type Call =
  | { op: 'query'; sql: string; params: unknown[]; rowMode: 'array' | 'object'; textTypes: number[]; transaction?: number }
  | { op: 'begin' | 'commit' | 'rollback'; transaction: number }
  | { op: 'copy'; statement: string; rows: string | Uint8Array<ArrayBuffer> }
  | { op: 'close' };

export type Request = Call & { id: number };

export type Reply = { id: number; result: unknown } | { id: number; error: FlatError };

/** Sent by the worker once, when its job is done (`create`) or it is ready to serve (`serve`). */
export type Started = { started: true } | { started: false; error: FlatError };

export interface QueryResult {
  rows: unknown[];
  fields: Array<{ name: string; dataTypeID: number }>;
  affectedRows?: number;
}

/** An error's message and the fields PostgreSQL gives (SQLSTATE, severity, detail…), across threads. */
export interface FlatError {
  name: string;
  message: string;
  fields: Record<string, string>;
}

const POSTGRES_FIELDS = ['code', 'severity', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine'] as const;

export function flattenError(error: unknown): FlatError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string> = {};
  for (const field of POSTGRES_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') fields[field] = value;
  }
  return { name: error.name, message: error.message, fields };
}

/** The error again, on this side: the same name, message and PostgreSQL fields (db/errors.ts reads them). */
export function restoreError(flat: FlatError): Error {
  const error = new Error(flat.message);
  error.name = flat.name;
  Object.assign(error, flat.fields);
  return error;
}
