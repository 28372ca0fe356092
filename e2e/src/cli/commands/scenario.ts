/** `faultline scenario list` and `faultline scenario run <id>...|--all [--target local|kind] [--json]`. */
import { CATALOG, findScenarios } from '../../scenarios/catalog';
import type { Scenario, ScenarioOptions, TargetName } from '../../scenarios/model';
import { startLabBroker } from '../../lab/lab-broker';
import { progressLine, resultTable } from '../../scenarios/report';
import { defaultOptions, type RunEvent, runScenarios } from '../../scenarios/runner';
import { createTarget } from '../../targets/create';
import { checkFlags, numberFlag, type ParsedArgs, UsageError } from '../args';
import { externalBrokerUrl } from '../broker-url';

/**
 * Three labs side by side: the longest scenario (crash-circuit-breaker, two 20 s hangs) runs beside the
 * others, and a 2-core machine runs the whole catalog in about the time of that one (~50 s instead of ~90 s).
 */
const DEFAULT_LOCAL_JOBS = 3;

export const SCENARIO_HELP = `Usage:
  faultline scenario list [--json]
  faultline scenario run <id>... | --all  [--target local|kind] [--json] [--jobs N]
                         [--hang-seconds N] [--slow-seconds N] [--samples N] [--rabbitmq-url URL]

Runs each scenario in a lab of its own: break, observe the symptom (with evidence), fix, observe it gone.
Exit code 1 when any scenario fails. On the local target, the store's scenarios share one broker: the run's
own rabbitmq-server node (each lab with its own queue; stopped at the end), or the external one
--rabbitmq-url / RABBITMQ_URL names, checked (reachable, credentials) before any lab starts.

  --target          where to run (default local; kind: the lab installed on the cluster of the current kubectl context, see e2e/README.md)
  --json            one JSON object per line per scenario as it ends (id, status, reason, steps with their
                    evidence), instead of progress lines and a table
  --jobs            scenarios run side by side, each in its own lab (default ${DEFAULT_LOCAL_JOBS} on local, 1 on kind)
  --hang-seconds    how long retry-backend's hang mode holds a request (default 20; the suite uses less)
  --slow-seconds    business-logic's slow-endpoint time (default 3)
  --samples         requests sent where a rate or a spread is measured (default 60)
  --rabbitmq-url    an external broker for order-service instead of the run's own (default $RABBITMQ_URL when set)`;

export function listScenarios(args: ParsedArgs): number {
  checkFlags(args, ['json']);
  if (args.flags.json) {
    process.stdout.write(`${JSON.stringify(CATALOG.map(({ id, seed, title, breaks, symptom, fix, targets }) => ({ id, seed, title, breaks, symptom, fix, targets })), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...CATALOG.map((s) => s.id.length));
  for (const s of CATALOG) {
    const where = s.targets.includes('local') ? '' : `  [needs ${s.targets.join('/')} target]`;
    process.stdout.write(`${s.id.padEnd(width)}  seed ${s.seed}  ${s.title}${where}\n`);
  }
  return 0;
}

function jobsOf(args: ParsedArgs, targetName: TargetName): number {
  const jobs = numberFlag(args, 'jobs');
  if (jobs === undefined) return targetName === 'local' ? DEFAULT_LOCAL_JOBS : 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a whole number of 1 or more');
  if (jobs > 1 && targetName !== 'local') throw new UsageError('--jobs above 1 needs the local target (on kind the scenarios share one release)');
  return jobs;
}

/** Prints each scenario's lines as one block when it ends, so scenarios running side by side do not interleave. */
function blockPrinter(write: (text: string) => void): (event: RunEvent) => void {
  const blocks = new Map<string, string[]>();
  return (event) => {
    const id = event.type === 'scenario-end' ? event.result.id : event.scenario.id;
    const line = progressLine(event);
    if (line !== undefined) blocks.set(id, [...(blocks.get(id) ?? []), line]);
    if (event.type === 'scenario-end') {
      write(`${(blocks.get(id) ?? []).join('\n')}\n`);
      blocks.delete(id);
    }
  };
}

export async function runScenarioCommand(args: ParsedArgs): Promise<number> {
  checkFlags(args, ['all', 'target', 'json', 'jobs', 'hang-seconds', 'slow-seconds', 'samples', 'rabbitmq-url']);
  const targetName = (args.flags.target ?? 'local') as TargetName;
  if (targetName !== 'local' && targetName !== 'kind') throw new UsageError(`--target must be local or kind, not "${String(targetName)}"`);
  const ids = args.positionals;
  if (!args.flags.all && ids.length === 0) throw new UsageError('name scenarios to run, or --all (see `faultline scenario list`)');
  if (args.flags.all && ids.length) throw new UsageError('give scenario ids or --all, not both');
  const scenarios = args.flags.all ? CATALOG : findScenarios(ids);
  const externalUrl = externalBrokerUrl(args);
  const options: Partial<ScenarioOptions> = {};
  const hang = numberFlag(args, 'hang-seconds');
  const slow = numberFlag(args, 'slow-seconds');
  const samples = numberFlag(args, 'samples');
  if (hang !== undefined) options.hangSeconds = hang;
  if (slow !== undefined) options.slowSeconds = slow;
  if (samples !== undefined) options.sampleSize = Math.max(1, Math.round(samples));
  const jobs = jobsOf(args, targetName);
  if (targetName === 'kind') createTarget('kind');
  const json = Boolean(args.flags.json);
  const write = (text: string) => void process.stdout.write(text);
  const needsBroker = targetName === 'local' && scenarios.some((s) => s.targets.includes('local') && s.lab(defaultOptions(options)).deployments.some((d) => d.app === 'order-service'));
  if (needsBroker && !externalUrl && !json) write("starting the run's broker (rabbitmq-server)...\n");
  // Ctrl-C: exit through process.exit, so that the exit hooks kill every lab's pods and the broker and remove its folder.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const broker = needsBroker ? await startLabBroker({ externalUrl, anyPort: true, say: (line) => { if (!json) write(`${line}\n`); } }) : undefined;
  // On kind the URL reaches the release's broker (test-kind.sh forwards it); no broker is started for it.
  const rabbitmqUrl = broker?.url ?? externalUrl;
  if (rabbitmqUrl) options.rabbitmqUrl = rabbitmqUrl;
  try {
    return await runAll(scenarios, { targetName, options, jobs, json, write });
  } finally {
    await broker?.stop();
  }
}

async function runAll(
  scenarios: readonly Scenario[],
  run: { targetName: TargetName; options: Partial<ScenarioOptions>; jobs: number; json: boolean; write: (text: string) => void },
): Promise<number> {
  const { targetName, options, jobs, json, write } = run;
  const started = Date.now();
  if (!json && jobs > 1 && scenarios.length > 1) {
    write(`running ${scenarios.length} scenarios, ${jobs} at a time, each in a lab of its own; each prints its steps when it ends\n`);
  }
  const results = await runScenarios(
    scenarios,
    {
      targetName,
      createTarget: () => createTarget(targetName),
      options,
      onEvent: json
        ? (event) => {
            if (event.type === 'scenario-end') write(`${JSON.stringify(event.result)}\n`);
          }
        : blockPrinter(write),
    },
    jobs,
  );
  if (!json) write(`\n${resultTable(results, Date.now() - started)}\n`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}
