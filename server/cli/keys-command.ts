import { call, connect, connectionHelp, connectionOptions, parseCommand, UsageError, type CliIo } from './command';

export const keysHelp = `Usage:
  grove keys create --name NAME --scope admin|invoke|metrics [--scope ...] [--rate-limit N]
  grove keys list
  grove keys revoke ID

Manages API keys. A new key is printed once, at creation; Grove keeps only its hash.

Options:
  --name NAME        what the key is for
  --scope SCOPE      admin (manage the registry), invoke (call models) or metrics (read figures); repeatable
  --rate-limit N     requests per minute allowed to this key
${connectionHelp}`;

export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('keys', {
    args,
    allowPositionals: true,
    options: { ...connectionOptions, name: { type: 'string' }, scope: { type: 'string', multiple: true }, 'rate-limit': { type: 'string' } },
  });
  const [action, ...rest] = positionals;
  if (values.help || action === 'help') return io.stdout.write(keysHelp), 0;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') throw new UsageError(action ? `unknown keys command "${action}"` : 'name a keys command: create, list or revoke', 'keys');
  if (rest.length > (action === 'revoke' ? 1 : 0)) throw new UsageError(`unexpected argument "${rest.at(-1)}"`, 'keys');

  if (action === 'create') {
    if (!values.name) throw new UsageError('keys create needs --name NAME', 'keys');
    const scopes = (values.scope ?? []).map((scope) => {
      if (scope !== 'admin' && scope !== 'invoke' && scope !== 'metrics') throw new UsageError(`--scope must be admin, invoke or metrics (got "${scope}")`, 'keys');
      return scope;
    });
    if (!scopes.length) throw new UsageError('keys create needs at least one --scope admin|invoke|metrics', 'keys');
    const rateLimit = values['rate-limit'];
    if (rateLimit !== undefined && !/^[1-9]\d*$/.test(rateLimit)) throw new UsageError(`--rate-limit must be a positive whole number (got "${rateLimit}")`, 'keys');
    const { client, url } = connect('keys', values, io.env);
    const { key, view } = await call(url, client.keys.create.mutate({ name: values.name, scopes, rateLimitPerMinute: rateLimit === undefined ? undefined : Number(rateLimit) }));
    io.stdout.write(`id:  ${view.id}\nkey: ${key}\n`);
    io.stderr.write('Store the key now: Grove keeps only its hash and cannot show it again.\n');
    return 0;
  }

  if (action === 'revoke') {
    const id = rest[0];
    if (!id) throw new UsageError('keys revoke needs the key id (see grove keys list)', 'keys');
    const { client, url } = connect('keys', values, io.env);
    await call(url, client.keys.revoke.mutate({ id }));
    io.stdout.write(`revoked ${id}\n`);
    return 0;
  }

  const { client, url } = connect('keys', values, io.env);
  const { items } = await call(url, client.keys.list.query());
  const rows = [['ID', 'NAME', 'SCOPES', 'RATE/MIN', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED']];
  for (const item of items) rows.push([item.id, item.name, item.scopes.join(','), item.rateLimitPerMinute?.toString() ?? '-', item.prefix, shortTime(item.createdAt), item.lastUsedAt ? shortTime(item.lastUsedAt) : '-', item.revokedAt ? shortTime(item.revokedAt) : '-']);
  io.stdout.write(table(rows));
  return 0;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd() + '\n').join('');
}

/** `2026-11-25 01:39:39.03+00` (PostgreSQL's text) → `2026-11-25T01:39:39Z`: one token per column. */
function shortTime(text: string): string {
  const time = new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  return Number.isNaN(time.getTime()) ? text : time.toISOString().replace(/\.\d+Z$/, 'Z');
}
