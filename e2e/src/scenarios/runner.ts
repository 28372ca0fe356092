/**
 * Runs scenarios against a target, each in a lab of its own that is torn down whatever happens: one
 * after another, or several side by side (each lab on its own addresses, queue and processes). A scenario passes only when every step passed, including the symptom steps
 * (seen while broken) and the after steps (gone after the fix).
 */
import { randomBytes } from 'node:crypto';
import type { Target } from '../targets/target';
import { type Evidence, type Phase, type Scenario, type ScenarioOptions, StepNotRunError, type TargetName } from './model';

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
  /** Why it did not run or what failed, in one line. */
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

  let target: Target | undefined;
  if (scenario.requires?.length) {
    target = run.createTarget();
    let missing: string[];
    const checkStarted = Date.now();
    try {
      missing = (await target.missingParts?.(scenario.requires)) ?? [];
    } catch (error) {
      // A part that is absent means "not run here"; failing to find out (forbidden, a timeout) is a failure.
      const title = 'check the cluster parts';
      emit({ type: 'step-start', scenario, phase: 'lab', title });
      const step: StepResult = { phase: 'lab', title, status: 'failed', durationMs: Date.now() - checkStarted, evidence: [], error: message(error) };
      steps.push(step);
      emit({ type: 'step-end', scenario, step });
      return finish('failed', `lab: ${step.error}`);
    }
    if (missing.length) return finish('not-run', `not run here: needs ${missing.join('; ')}`);
  }
  let failure: string | undefined;
  try {
    const lab = await runStep('lab', 'start the lab', async () => {
      target ??= run.createTarget();
      await target.start(scenario.lab(options));
    });
    if (lab.status === 'failed') failure = `lab: ${lab.error}`;
    const state: Record<string, unknown> = {};
    for (const step of scenario.steps) {
      const otherTarget = step.targets && !step.targets.includes(run.targetName);
      if (failure || run.skipPhases?.includes(step.phase) || otherTarget) {
        const reason = !failure && otherTarget ? { error: `not run on the ${run.targetName} target: this step runs on the ${step.targets?.join(' or ')} target` } : {};
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
  const ranSymptom = steps.some((s) => s.phase === 'symptom' && s.status === 'passed');
  if (!failure && !ranSymptom) failure = 'no symptom step passed: nothing was shown';
  return finish(failure ? 'failed' : 'passed', failure);
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
