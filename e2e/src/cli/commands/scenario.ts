/** `faultline scenario list` and `faultline scenario run <id>...|--all [--target local|kind] [--json]`. */
import { CATALOG, findScenarios } from '../../scenarios/catalog';
import type { ScenarioOptions, TargetName } from '../../scenarios/model';
import { progressLine, resultTable } from '../../scenarios/report';
import { runScenarios } from '../../scenarios/runner';
import { createTarget } from '../../targets/create';
import { checkFlags, numberFlag, type ParsedArgs, UsageError } from '../args';

export const SCENARIO_HELP = `Usage:
  faultline scenario list [--json]
  faultline scenario run <id>... | --all  [--target local|kind] [--json]
                         [--hang-seconds N] [--slow-seconds N] [--samples N]

Runs each scenario in a lab of its own: break, observe the symptom (with evidence), fix, observe it gone.
Exit code 1 when any scenario fails.

  --target          where to run (default local; kind: the lab installed on the cluster of the current kubectl context, see e2e/README.md)
  --json            print the results as JSON instead of progress lines and a table
  --hang-seconds    how long retry-backend's hang mode holds a request (default 20; the suite uses less)
  --slow-seconds    business-logic's slow-endpoint time (default 3)
  --samples         requests sent where a rate or a spread is measured (default 60)
  --rabbitmq-url    broker for order-service (default $RABBITMQ_URL or amqp://guest:guest@127.0.0.1:5672)`;

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

export async function runScenarioCommand(args: ParsedArgs): Promise<number> {
  checkFlags(args, ['all', 'target', 'json', 'hang-seconds', 'slow-seconds', 'samples', 'rabbitmq-url']);
  const targetName = (args.flags.target ?? 'local') as TargetName;
  if (targetName !== 'local' && targetName !== 'kind') throw new UsageError(`--target must be local or kind, not "${String(targetName)}"`);
  const ids = args.positionals;
  if (!args.flags.all && ids.length === 0) throw new UsageError('name scenarios to run, or --all (see `faultline scenario list`)');
  if (args.flags.all && ids.length) throw new UsageError('give scenario ids or --all, not both');
  const scenarios = args.flags.all ? CATALOG : findScenarios(ids);
  const options: Partial<ScenarioOptions> = {};
  const hang = numberFlag(args, 'hang-seconds');
  const slow = numberFlag(args, 'slow-seconds');
  const samples = numberFlag(args, 'samples');
  if (hang !== undefined) options.hangSeconds = hang;
  if (slow !== undefined) options.slowSeconds = slow;
  if (samples !== undefined) options.sampleSize = Math.max(1, Math.round(samples));
  const rabbit = typeof args.flags['rabbitmq-url'] === 'string' ? args.flags['rabbitmq-url'] : process.env.RABBITMQ_URL;
  if (rabbit) options.rabbitmqUrl = rabbit;
  if (targetName === 'kind') createTarget('kind');

  const json = Boolean(args.flags.json);
  const results = await runScenarios(scenarios, {
    targetName,
    createTarget: () => createTarget(targetName),
    options,
    onEvent: json
      ? undefined
      : (event) => {
          const line = progressLine(event);
          if (line !== undefined) process.stdout.write(`${line}\n`);
        },
  });
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`\n${resultTable(results)}\n`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}
