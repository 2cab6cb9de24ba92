import { KINDS, type Kind } from '../../shared/objects';
import { call, connect, connectionHelp, connectionOptions, parseCommand, UsageError, type CliIo } from './command';
import { formatObjects } from './export-format';

export const exportHelp = `Usage: grove export [--kind KIND...] [-o yaml|json]

Prints the registry in the form "grove apply" accepts: export, then apply, reports everything
unchanged. Secrets stay hidden: a stored key shows as { set: true, last4 }, which apply reads as
"keep the stored value".

Options:
  --kind KIND        only this kind (${KINDS.join(', ')}); repeatable
  -o, --output FMT   yaml (default, one document per object) or json
${connectionHelp}`;

export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('export', {
    args,
    options: { ...connectionOptions, kind: { type: 'string', multiple: true }, output: { type: 'string', short: 'o', default: 'yaml' } },
  });
  if (values.help) return io.stdout.write(exportHelp), 0;
  const format = values.output;
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`-o must be yaml or json (got "${format}")`, 'export');
  const kinds = values.kind?.map((name) => {
    const kind = KINDS.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!kind) throw new UsageError(`unknown kind "${name}": one of ${KINDS.join(', ')}`, 'export');
    return kind;
  });
  const { client, url } = connect('export', values, io.env);
  const { objects } = await call(url, client.objects.export.query(kinds ? { kinds: kinds as Kind[] } : {}));
  io.stdout.write(formatObjects(objects, format));
  return 0;
}
