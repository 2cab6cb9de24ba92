import { run } from './run';

// stdin is opened only by `-f -`: touching process.stdin otherwise could hold a terminal open.
const stdin = { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() };

// The exit code is the command's; setting it (rather than calling exit()) lets output drain.
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin });
