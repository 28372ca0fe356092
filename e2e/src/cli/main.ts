/** The faultline CLI: run the lab, its scenarios, its fault switches and its traces. */
import { BrokerUnavailableError } from '../targets/local/rabbitmq-install';
import { parseArgs, UsageError } from './args';
import { down, DOWN_HELP } from './commands/down';
import { fault, FAULT_HELP } from './commands/fault';
import { listScenarios, runScenarioCommand, SCENARIO_HELP } from './commands/scenario';
import { traceCommand, TRACE_HELP } from './commands/trace';
import { up, UP_HELP } from './commands/up';

const HELP = `faultline: Kubernetes networking and observability failures, reproduced and proven.

Usage: faultline <command> [options]

Commands:
  up                          start the whole lab locally, print its URLs and memory; Ctrl-C stops it
  down                        stop the lab \`up\` is running
  scenario list               the scenario catalog
  scenario run <id>...|--all  run scenarios: break, symptom + evidence, fix, symptom gone
  fault get|set|clear <deployment> [json]   fault switches of a running lab's pods
  trace [<id>]                a trace of the running lab as an indented tree with durations

\`faultline <command> --help\` for a command's options.`;

const VALUE_FLAGS = ['target', 'hang-seconds', 'slow-seconds', 'samples', 'rabbitmq-url', 'service', 'limit', 'jobs'];

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, VALUE_FLAGS);
  const [command, ...rest] = args.positionals;
  const sub = { positionals: rest, flags: args.flags };
  const help = Boolean(args.flags.help);
  switch (command) {
    case undefined:
      process.stdout.write(`${HELP}\n`);
      return help ? 0 : 2;
    case 'help':
      process.stdout.write(`${HELP}\n`);
      return 0;
    case 'up':
      if (help) return print(UP_HELP);
      return up(sub);
    case 'down':
      if (help) return print(DOWN_HELP);
      return down(sub);
    case 'fault':
      if (help) return print(FAULT_HELP);
      return fault(sub);
    case 'trace':
      if (help) return print(TRACE_HELP);
      return traceCommand(sub);
    case 'scenario': {
      const [action, ...ids] = rest;
      if (help || action === undefined) return print(SCENARIO_HELP, help ? 0 : 2);
      if (action === 'list') return listScenarios({ positionals: ids, flags: args.flags });
      if (action === 'run') return runScenarioCommand({ positionals: ids, flags: args.flags });
      throw new UsageError(`unknown scenario command "${action}" (list or run)`);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function print(text: string, code = 0): number {
  process.stdout.write(`${text}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`faultline: ${(error as Error).message}${usage ? '\n(see `faultline --help`)' : ''}\n`);
    // No broker to be had here (not installed, did not start) is a set-up problem, like a usage error.
    process.exitCode = usage || error instanceof BrokerUnavailableError ? 2 : 1;
  },
);
