import { call, connect, connectionHelp, connectionOptions, parseCommand, UsageError, type CliIo } from './command';

export const demoHelp = `Usage:
  grove demo remove

Deletes the demo models a new install is seeded with (those labelled grove.dev/demo: "true":
sim-sage, sim-swift, sim-flaky). While no other model can serve, Grove is in demo mode and they
answer \`auto\` requests; once a real model can serve, they answer only requests that name them.
Refused, with nothing deleted, while a routing policy or another model still refers to one.
${connectionHelp}`;

export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('demo', { args, allowPositionals: true, options: { ...connectionOptions } });
  const [action, ...rest] = positionals;
  if (values.help || action === 'help') return io.stdout.write(demoHelp), 0;
  if (action !== 'remove') throw new UsageError(action ? `unknown demo command "${action}"` : 'name a demo command: remove', 'demo');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'demo');
  const { client, url } = connect('demo', values, io.env);
  const { removed } = await call(url, client.system.removeDemo.mutate({}));
  io.stdout.write(removed.length ? removed.map((id) => `deleted Model/${id}\n`).join('') : 'no demo models to delete\n');
  return 0;
}
