/**
 * Runs scenarios against a target, each in a lab of its own that is torn down whatever happens: one
 * after another, or several side by side (each lab on its own addresses, queue and processes). A scenario passes only when every step passed, including the symptom steps
 * (seen while broken) and the after steps (gone after the fix).
 *
 * Cluster parts: a scenario whose `requires` the cluster lacks is not run (nothing installed). A step whose own
 * `requires` the cluster lacks is skipped, "not run here: needs ...", never passed. When the cluster lacks the parts
 * of every symptom step, the scenario runs what it can show instead (the steps that need a part this cluster has,
 * e.g. kube-proxy's harmless restart) and passes only if one of those passed; when it can run none, it is not run.
 */
import { randomBytes } from 'node:crypto';
import type { ClusterPart, Target } from '../targets/target';
import { type Evidence, type Phase, type Scenario, type ScenarioOptions, type Step, StepNotRunError, type TargetName } from './model';

export type StepStatus = 'passed' | 'failed' | 'skipped';
/** needs-target: not written for this target; not-run: this target's cluster lacks a part it needs. */
export type ScenarioStatus = 'passed' | 'failed' | 'needs-target' | 'not-run';

export interface StepResult {
  phase: Phase | 'lab';
  title: string;
  status: StepStatus;
  durationMs: number;
  evidence: Evidence[];
  error?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  target: TargetName;
  status: ScenarioStatus;
  durationMs: number;
  steps: StepResult[];
  /** Why it did not run or what failed, in one line; for a pass, the steps this cluster could not run and what they need. */
  reason?: string;
}

export type RunEvent =
  | { type: 'scenario-start'; scenario: Scenario }
  | { type: 'step-start'; scenario: Scenario; phase: Phase | 'lab'; title: string }
  | { type: 'step-end'; scenario: Scenario; step: StepResult }
  | { type: 'scenario-end'; result: ScenarioResult };

export interface RunOptions {
  targetName: TargetName;
  createTarget: () => Target;
  options?: Partial<ScenarioOptions>;
  /** Phases not run: to prove the harness notices a scenario that was not really fixed (or broken). */
  skipPhases?: readonly Phase[];
  onEvent?: (event: RunEvent) => void;
}

export function defaultOptions(overrides: Partial<ScenarioOptions> = {}): ScenarioOptions {
  return {
    hangSeconds: 20,
    slowSeconds: 3,
    sampleSize: 60,
    runId: randomBytes(4).toString('hex'),
    rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672',
    ...overrides,
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The parts of `parts` the target lacks, each with its lines (what is missing, how to get it); absent when it has it. */
async function missingByPart(target: Target, parts: readonly ClusterPart[]): Promise<Map<ClusterPart, string[]>> {
  const missing = new Map<ClusterPart, string[]>();
  for (const part of parts) {
    const lines = (await target.missingParts?.([part])) ?? [];
    if (lines.length) missing.set(part, lines);
  }
  return missing;
}

export async function runScenario(scenario: Scenario, run: RunOptions): Promise<ScenarioResult> {
  const options = defaultOptions(run.options);
  const emit = run.onEvent ?? (() => undefined);
  const started = Date.now();
  const steps: StepResult[] = [];
  emit({ type: 'scenario-start', scenario });
  const finish = (status: ScenarioStatus, reason?: string): ScenarioResult => {
    const result = { id: scenario.id, title: scenario.title, target: run.targetName, status, durationMs: Date.now() - started, steps, reason };
    emit({ type: 'scenario-end', result });
    return result;
  };
  if (!scenario.targets.includes(run.targetName)) {
    return finish('needs-target', `needs the ${scenario.targets.join(' or ')} target`);
  }

  const runStep = async (phase: Phase | 'lab', title: string, body: (evidence: Evidence[]) => Promise<void>): Promise<StepResult> => {
    emit({ type: 'step-start', scenario, phase, title });
    const stepStarted = Date.now();
    const evidence: Evidence[] = [];
    let result: StepResult;
    try {
      await body(evidence);
      result = { phase, title, status: 'passed', durationMs: Date.now() - stepStarted, evidence };
    } catch (error) {
      // A step that found it cannot run on this target did nothing: skipped, with the reason, never passed.
      const status = error instanceof StepNotRunError ? 'skipped' : 'failed';
      result = { phase, title, status, durationMs: Date.now() - stepStarted, evidence, error: message(error) };
    }
    steps.push(result);
    emit({ type: 'step-end', scenario, step: result });
    return result;
  };

  // The cluster parts the scenario and its steps need, each read once; a target without missingParts plays them all.
  const onTarget = (step: Step) => !step.targets || step.targets.includes(run.targetName);
  const parts = [...new Set([...(scenario.requires ?? []), ...scenario.steps.filter(onTarget).flatMap((s) => s.requires ?? [])])];
  let target: Target | undefined;
  let missing = new Map<ClusterPart, string[]>();
  if (parts.length) {
    target = run.createTarget();
    const checkStarted = Date.now();
    try {
      missing = await missingByPart(target, parts);
    } catch (error) {
      // A part that is absent means "not run here"; failing to find out (forbidden, a timeout) is a failure.
      const title = 'check the cluster parts';
      emit({ type: 'step-start', scenario, phase: 'lab', title });
      const step: StepResult = { phase: 'lab', title, status: 'failed', durationMs: Date.now() - checkStarted, evidence: [], error: message(error) };
      steps.push(step);
      emit({ type: 'step-end', scenario, step });
      return finish('failed', `lab: ${step.error}`);
    }
  }
  const lacking = (wanted: readonly ClusterPart[] = []) => [...new Set(wanted.flatMap((part) => missing.get(part) ?? []))];
  const scenarioLacks = lacking(scenario.requires);
  if (scenarioLacks.length) return finish('not-run', `not run here: needs ${scenarioLacks.join('; ')}`);
  const stepLacks = new Map(scenario.steps.map((step) => [step, lacking(step.requires)]));
  const runnable = scenario.steps.filter((step) => onTarget(step) && !stepLacks.get(step)?.length);
  // What this cluster can show: a symptom step; where it lacks the parts of every symptom step, a step that needs a
  // part it has (the contrast: kube-proxy's harmless restart on a cluster without the socket LB the symptom needs).
  const notRunHere = [...new Set(scenario.steps.filter(onTarget).flatMap((step) => stepLacks.get(step) ?? []))];
  const contrastOnly = notRunHere.length > 0 && !runnable.some((step) => step.phase === 'symptom');
  const shows = (step: Step) => (contrastOnly ? Boolean(step.requires?.length) : step.phase === 'symptom');
  if (contrastOnly && !runnable.some(shows)) return finish('not-run', `not run here: needs ${notRunHere.join('; ')}`);

  let failure: string | undefined;
  let shown = false;
  try {
    const lab = await runStep('lab', 'start the lab', async () => {
      target ??= run.createTarget();
      await target.start(scenario.lab(options));
    });
    if (lab.status === 'failed') failure = `lab: ${lab.error}`;
    const state: Record<string, unknown> = {};
    for (const step of scenario.steps) {
      const otherTarget = !onTarget(step);
      const lacks = stepLacks.get(step) ?? [];
      if (failure || run.skipPhases?.includes(step.phase) || otherTarget || lacks.length) {
        const why = otherTarget ? `not run on the ${run.targetName} target: this step runs on the ${step.targets?.join(' or ')} target` : lacks.length ? `not run here: needs ${lacks.join('; ')}` : '';
        const reason = !failure && why ? { error: why } : {};
        const skipped: StepResult = { phase: step.phase, title: step.title, status: 'skipped', durationMs: 0, evidence: [], ...reason };
        steps.push(skipped);
        emit({ type: 'step-end', scenario, step: skipped });
        continue;
      }
      const result = await runStep(step.phase, step.title, (evidence) => {
        if (!target) throw new Error('no target: the lab step passed without creating one');
        return step.run({ target, options, state, evidence: (source, text) => void evidence.push({ source, text }) });
      });
      if (result.status === 'failed') failure = `${step.phase}: ${result.error}`;
      if (result.status === 'passed' && shows(step)) shown = true;
    }
  } finally {
    // A lab that did not stop or a leftover that was not removed can carry a fault into the next scenario:
    // each is a failed step, and fails the scenario when nothing failed before.
    const stopping = target;
    if (stopping) {
      const stopped = await runStep('lab', 'stop the lab', () => stopping.stop());
      if (stopped.status === 'failed') failure ??= `lab: stop the lab: ${stopped.error}`;
    }
    const cleanup = scenario.cleanup;
    if (cleanup) {
      const cleaned = await runStep('lab', 'clean up', () => cleanup(options));
      if (cleaned.status === 'failed') failure ??= `lab: clean up: ${cleaned.error}`;
    }
  }
  if (!failure && !shown) failure = contrastOnly ? 'no step this cluster can run passed: nothing was shown' : 'no symptom step passed: nothing was shown';
  // Passed with what this cluster can show: the steps it could not run are named, never counted as passed.
  const partial = notRunHere.length ? `passed with what this cluster can show; steps not run here need ${notRunHere.join('; ')}` : undefined;
  return finish(failure ? 'failed' : 'passed', failure ?? partial);
}

/**
 * Runs scenarios `jobs` at a time; results come back in the order given. Side by side, the longest
 * (by `typicalSeconds`) start first, so the run takes about as long as its longest scenario.
 */
export async function runScenarios(scenarios: readonly Scenario[], run: RunOptions, jobs = 1): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = new Array(scenarios.length);
  const order = scenarios.map((_, i) => i);
  if (jobs > 1) order.sort((a, b) => (scenarios[b].typicalSeconds ?? 0) - (scenarios[a].typicalSeconds ?? 0));
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const index = order[next++];
      results[index] = await runScenario(scenarios[index], run);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, scenarios.length)) }, worker));
  return results;
}
