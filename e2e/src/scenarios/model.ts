/**
 * A scenario is data plus steps, written once and run against any target:
 *   setup → break → symptom (assert it, collect evidence) → fix → after (assert the symptom is gone).
 * Scenarios that show a behaviour rather than repair a fault (a slow page, retries, a breaker) use the
 * same phases: "break" is the condition that shows the problem, "fix" the change that removes it.
 * Evidence is what a troubleshooter would look at: a log line with the error code, a span with the
 * exception, a trace tree, a DNS query count, a metric delta.
 */
import type { LabSpec } from '../lab/spec';
import type { ClusterPart, Target } from '../targets/target';

export type Phase = 'setup' | 'break' | 'symptom' | 'fix' | 'after';
export type TargetName = 'local' | 'kind';

export interface Evidence {
  /** Where it was seen: "store-front log", "trace", "cluster DNS /queries", "order-service /metrics". */
  source: string;
  text: string;
}

/** Knobs that make the suite fast without changing what a scenario shows. */
export interface ScenarioOptions {
  /** How long retry-backend's hang mode holds a request (the seed's 20 s). */
  hangSeconds: number;
  /** business-logic's data_transformation time (the seed's 3 s). */
  slowSeconds: number;
  /** Requests sent where a rate or a spread is measured. */
  sampleSize: number;
  /** Unique per run: queue names and the like. */
  runId: string;
  rabbitmqUrl: string;
}

export interface StepContext {
  readonly target: Target;
  readonly options: ScenarioOptions;
  /** Shared between the steps of one run. */
  readonly state: Record<string, unknown>;
  /** Records a piece of evidence for the report (printed under the step). */
  evidence(source: string, text: string): void;
}

export interface Step {
  phase: Phase;
  title: string;
  /**
   * Targets this step can run on (all the scenario's when omitted). On another one it must be reported as
   * not run there, never as passed; `run` throws StepNotRunError if it is called there anyway.
   */
  targets?: readonly TargetName[];
  /**
   * Cluster parts this step needs beyond the scenario's `requires`. On a target that lacks one the step is
   * reported as not run here, naming the part, never as passed. Steps that need different parts show what each
   * kind of cluster can show (stale-dns-server: the socket-LB break on one cluster, kube-proxy's harmless
   * restart on another); see runner.ts for when such a scenario passes.
   */
  requires?: readonly ClusterPart[];
  run(ctx: StepContext): Promise<void>;
}

export interface Scenario {
  id: string;
  /** Seed document the scenario reproduces (shared/seeds/NNN_*). */
  seed: string;
  title: string;
  /** One line each, for `scenario list` and the docs. */
  breaks: string;
  symptom: string;
  fix: string;
  /** Targets it runs on; others report it as needing one of these. */
  targets: readonly TargetName[];
  /** Cluster parts every step needs; on a target that lacks one it is reported as not run, naming what is missing. */
  requires?: readonly ClusterPart[];
  /** About how long it takes on the local target with the default options; side by side, the longest start first. */
  typicalSeconds?: number;
  lab(options: ScenarioOptions): LabSpec;
  steps: readonly Step[];
  /** Removes what the run left outside the lab (a broker queue); runs after the lab is stopped. */
  cleanup?(options: ScenarioOptions): Promise<void>;
}

export class ScenarioAssertionError extends Error {}

/** A step called on a target it cannot run on: it did nothing, so it must not pass. */
export class StepNotRunError extends Error {
  constructor(
    readonly target: TargetName,
    readonly reason: string,
  ) {
    super(`not run on the ${target} target: ${reason}`);
  }
}

/** Throws a ScenarioAssertionError with `message` unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScenarioAssertionError(message);
}
