/** `npm run test:load` options: parsed and checked once, with their help text. */
import path from 'node:path';
import { checkFlags, parseArgs, UsageError } from '../cli/args';
import { WORKSPACE_ROOT } from '../targets/local/paths';
import { LOAD_SCRIPTS, selectScripts } from './scripts';

export const DEFAULT_TIME_SCALE = 0.4;

export const LOAD_HELP = `Usage: npm run test:load -- [script...] [--no-start] [--no-report] [--scale N] [--time-scale F] [--out DIR]

Runs the k6 scripts of e2e/k6 (${LOAD_SCRIPTS.map((s) => s.name).join(', ')}; all unless some are named)
against the local lab: the one \`faultline up\` is running, or one started for the run and stopped after it.
Each script gets the lab's Service addresses (STORE_URL, FRONT_END_URL, RETRY_CLIENT_URL). Prints one table:
requests, failed requests, p95 per tagged step, thresholds passed, duration.

  --no-start        use a running lab only; none running: exit 2, nothing started
  --report          write k6's web dashboard HTML report for shopper and retry-storm (the default)
  --no-report       do not
  --scale N         the scripts' load multiplier, SCALE (default 1)
  --time-scale F    the scripts' durations multiplied by F, TIME_SCALE (default ${DEFAULT_TIME_SCALE}: the whole run in about 2 minutes)
  --out DIR         logs, summaries and reports (default .lab/load)

k6 comes from scripts/dev/install-k6.sh (~/.cache/faultline/bin), else PATH.
Exit codes: 0 every threshold held; 1 a threshold failed or a script could not run; 2 nothing ran (usage,
no lab with --no-start, k6 missing); 130 interrupted.`;

export interface LoadOptions {
  help: boolean;
  scripts: string[];
  start: boolean;
  report: boolean;
  scale: number;
  timeScale: number;
  outDir: string;
}

function positiveFlag(value: string | true | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value === true || !Number.isFinite(number) || number <= 0) throw new UsageError(`--${name} must be a positive number`);
  return number;
}

export function parseLoadOptions(argv: readonly string[]): LoadOptions {
  const args = parseArgs(argv, ['scale', 'time-scale', 'out']);
  checkFlags(args, ['no-start', 'report', 'no-report', 'scale', 'time-scale', 'out']);
  if (args.flags.report && args.flags['no-report']) throw new UsageError('--report and --no-report contradict each other');
  const out = args.flags.out;
  if (out === true) throw new UsageError('--out needs a folder');
  selectScripts(args.positionals);
  return Object.freeze({
    help: Boolean(args.flags.help),
    scripts: args.positionals,
    start: !args.flags['no-start'],
    report: !args.flags['no-report'],
    scale: positiveFlag(args.flags.scale, 'scale', 1),
    timeScale: positiveFlag(args.flags['time-scale'], 'time-scale', DEFAULT_TIME_SCALE),
    outDir: out ? path.resolve(out) : path.join(WORKSPACE_ROOT, '.lab', 'load'),
  });
}
