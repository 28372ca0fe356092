/**
 * What the k6 thresholds specs share: whether they can run here (k6 installed, the lab's apps built), the
 * thresholds a run failed, and the end of its log for an assertion message.
 */
import { readFileSync } from 'node:fs';
import type { LabSpec } from '../lab/spec';
import { inCi, requireTool } from '@faultline/test-support';
import { isBuilt } from '../targets/local/paths';
import { findK6, K6_INSTALL_HINT } from './k6-binary';
import type { K6RunResult } from './k6-run';

export const k6 = findK6(process.env);

/** Why a spec running k6 against `lab` cannot run here, or false when it can. */
export function skipReason(lab: LabSpec): string | false {
  // Under CI a missing k6 fails the spec instead of skipping it (CI installs k6).
  if (!k6) {
    if (!inCi()) return K6_INSTALL_HINT;
    requireTool('k6');
  }
  const unbuilt = [...new Set(lab.deployments.map((d) => d.app)), 'dns-server'].filter((app) => !isBuilt(app));
  return unbuilt.length ? `not built: ${unbuilt.join(', ')} (node e2e/bin/build-lab.mjs)` : false;
}

/** The failed thresholds of a run as "metric expression", sorted. */
export function failedThresholds(result: K6RunResult): string[] {
  return (result.summary?.thresholds ?? [])
    .filter((t) => !t.passed)
    .map((t) => `${t.metric} ${t.expression}`)
    .sort();
}

/** The run's error and the end of its k6 log. */
export function runLog(result: K6RunResult): string {
  return `${result.error ?? ''}\n${readFileSync(result.logFile, 'utf8').slice(-2000)}`;
}
