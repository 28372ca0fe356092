/** Entry of `npm run test:load` (see options.ts for its flags). */
import { UsageError } from '../cli/args';
import { runLoad } from './load-run';
import { LOAD_HELP, parseLoadOptions } from './options';

async function main(argv: string[]): Promise<number> {
  const options = parseLoadOptions(argv);
  if (options.help) {
    process.stdout.write(`${LOAD_HELP}\n`);
    return 0;
  }
  const abort = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) return;
    process.stderr.write(`\n${signal}: stopping the running script and the lab...\n`);
    abort.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  return runLoad(options, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    signal: abort.signal,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`test:load: ${(error as Error).message}${usage ? '\n(see `npm run test:load -- --help`)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
