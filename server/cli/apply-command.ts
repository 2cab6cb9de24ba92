import { readFile } from 'node:fs/promises';
import { describeFailure, isGroveError } from './client';
import { connect, connectionHelp, connectionOptions, Failure, parseCommand, UsageError, type CliIo } from './command';
import { describeProblem } from '../yaml/problems';
import { InputError, readObjects, type ObjectSource } from '../yaml/read-objects';

export const applyHelp = `Usage: grove apply -f FILE [-f FILE...] [--dry-run]

Creates or updates every object in the files (multi-document YAML, or JSON: a list, one object, or
{ "objects": [...] }; "-f -" reads stdin). The server checks all of them before it writes any: one
invalid object means nothing is written. Prints created, updated or unchanged for each object.

Options:
  -f, --filename FILE   a file to apply (repeatable)
  --dry-run             check and report, write nothing
${connectionHelp}`;

export async function applyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('apply', {
    args,
    options: { ...connectionOptions, filename: { type: 'string', short: 'f', multiple: true }, 'dry-run': { type: 'boolean' } },
  });
  if (values.help) return io.stdout.write(applyHelp), 0;
  if (!values.filename?.length) throw new UsageError('give at least one file with -f FILE', 'apply');
  const { client, url } = connect('apply', values, io.env);

  const objects: unknown[] = [];
  const sources: ObjectSource[] = [];
  for (const file of values.filename) {
    const read = readObjects(await readInput(file, io), file === '-' ? 'stdin' : file);
    objects.push(...read.objects);
    sources.push(...read.sources);
  }

  const dryRun = values['dry-run'] ?? false;
  try {
    const { results } = await client.objects.applyAll.mutate({ objects, dryRun });
    for (const result of results) io.stdout.write(`${result.kind.toLowerCase()}/${result.id} ${result.action}${dryRun ? ' (dry run)' : ''}\n`);
    return 0;
  } catch (error) {
    const problems = isGroveError(error) && error.data?.code === 'BAD_REQUEST' ? error.data.problems : undefined;
    if (!problems?.length) throw new Failure(describeFailure(error, url));
    io.stderr.write(`grove: nothing was applied: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
    for (const problem of problems) io.stderr.write(`  ${describeProblem(problem, sources)}\n`);
    return 1;
  }
}

async function readInput(file: string, io: CliIo): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  if (!io.stdin) throw new InputError('no standard input to read');
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
