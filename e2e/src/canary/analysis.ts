/**
 * A canary analysis as Flagger runs it with the nginx provider, one interval at a time: the canary weight
 * is advanced step by step; at each interval the canary's request success rate is checked (Flagger's
 * built-in request-success-rate: non-5xx answers / all answers, in percent); a check below the minimum
 * (or with no canary requests at all) halts the advancement and counts as a failed check; when failed
 * checks reach the threshold the canary is rolled back (all traffic to the primary); when the last step
 * passes, the canary is promoted (the primary takes the canary's template) and all traffic goes to the
 * primary. Every decision is an event worded as Flagger's.
 *
 * What it acts on (weights, traffic, metrics, the primary) is the driver: the scenario gives one backed
 * by a target; the tests give a scripted one.
 */

export interface CanaryAnalysisSettings {
  /** Canary weights, one per advancement (Flagger: stepWeight up to maxWeight), e.g. 10, 20, 30, 50. */
  stepWeights: readonly number[];
  /** Failed checks that trigger a rollback (Flagger: analysis.threshold). */
  threshold: number;
  /** request-success-rate thresholdRange.min in percent (99); undefined turns the check off. */
  minSuccessRate: number | undefined;
}

/** Requests the canary answered during one interval. */
export interface SuccessRateSample {
  total: number;
  /** 5xx answers. */
  failed: number;
}

export interface CanaryAnalysisDriver {
  /** The canary Deployment and the primary one (events name them as `<name>.<namespace>`). */
  readonly canary: string;
  readonly primary: string;
  readonly namespace: string;
  setWeight(weight: number): Promise<void>;
  /** One interval: the load tester's traffic, then the canary's requests during it. */
  measure(weight: number): Promise<SuccessRateSample>;
  /** Copies the canary's template spec to the primary (a rollout of the primary). */
  promote(): Promise<void>;
  /** Canary weight 0 and no header or cookie routes: every request to the primary. */
  routeAllToPrimary(): Promise<void>;
}

export interface CanaryCheck {
  weight: number;
  sample: SuccessRateSample;
  /** Percent; undefined when the canary served nothing. */
  successRate: number | undefined;
  passed: boolean;
}

export type CanaryPhase = 'Succeeded' | 'Failed';

export interface CanaryAnalysisResult {
  phase: CanaryPhase;
  failedChecks: number;
  checks: CanaryCheck[];
  events: string[];
}

export const FLAGGER_DEFAULTS: CanaryAnalysisSettings = { stepWeights: [10, 20, 30, 50], threshold: 2, minSuccessRate: 99 };

/** The request-success-rate check of one interval: passed, and Flagger's "Halt" event when not. */
export function judge(sample: SuccessRateSample, settings: Pick<CanaryAnalysisSettings, 'minSuccessRate'>, canary: string): { check: Omit<CanaryCheck, 'weight'>; halt?: string } {
  if (sample.total === 0) {
    return {
      check: { sample, successRate: undefined, passed: false },
      halt: `Halt advancement no values found for nginx metric request-success-rate probably ${canary} is not receiving traffic`,
    };
  }
  const successRate = ((sample.total - sample.failed) / sample.total) * 100;
  if (settings.minSuccessRate === undefined || successRate >= settings.minSuccessRate) return { check: { sample, successRate, passed: true } };
  return {
    check: { sample, successRate, passed: false },
    halt: `Halt ${canary} advancement success rate ${successRate.toFixed(2)}% < ${settings.minSuccessRate}%`,
  };
}

function validate(settings: CanaryAnalysisSettings): void {
  if (settings.stepWeights.length === 0) throw new Error('canary analysis: no step weights');
  if (settings.stepWeights.some((w) => !Number.isInteger(w) || w < 1 || w > 100)) throw new Error(`canary analysis: step weights must be integers 1..100, got ${settings.stepWeights.join(', ')}`);
  if (!Number.isInteger(settings.threshold) || settings.threshold < 1) throw new Error(`canary analysis: threshold must be a positive integer, got ${settings.threshold}`);
}

export async function runCanaryAnalysis(settings: CanaryAnalysisSettings, driver: CanaryAnalysisDriver, onEvent: (event: string) => void = () => undefined): Promise<CanaryAnalysisResult> {
  validate(settings);
  const canary = `${driver.canary}.${driver.namespace}`;
  const primary = `${driver.primary}.${driver.namespace}`;
  const events: string[] = [];
  const checks: CanaryCheck[] = [];
  const event = (text: string) => {
    events.push(text);
    onEvent(text);
  };
  let failedChecks = 0;

  event(`New revision detected! Scaling up ${canary}`);
  event(`Starting canary analysis for ${canary}`);
  // Each interval either advances (at most one per step) or adds a failed check (at most `threshold`).
  for (const weight of settings.stepWeights) {
    await driver.setWeight(weight);
    event(`Advance ${canary} canary weight ${weight}`);
    for (;;) {
      const sample = await driver.measure(weight);
      const { check, halt } = judge(sample, settings, canary);
      checks.push({ weight, ...check });
      if (check.passed) break;
      failedChecks += 1;
      event(halt ?? `Halt ${canary} advancement`);
      if (failedChecks >= settings.threshold) {
        await driver.routeAllToPrimary();
        event(`Rolling back ${canary} failed checks threshold reached ${failedChecks}`);
        event(`Canary failed! Scaling down ${canary}`);
        return { phase: 'Failed', failedChecks, checks, events };
      }
    }
  }
  event(`Copying ${canary} template spec to ${primary}`);
  await driver.promote();
  await driver.routeAllToPrimary();
  event('Routing all traffic to primary');
  event(`Promotion completed! Scaling down ${canary}`);
  return { phase: 'Succeeded', failedChecks, checks, events };
}
