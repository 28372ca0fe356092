/** Paths and process helpers shared by the delivery checks. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import type { TestContext } from 'node:test';
import path from 'node:path';
import { requireTool, skipWithout } from '@faultline/test-support';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHART = path.join(ROOT, 'helm', 'faultline');
export const SCENARIOS_DIR = path.join(CHART, 'scenarios');

export function repoPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}

/** Runs a command to completion (bounded by `timeoutMs`), capturing its output. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 60_000,
  });
}

/** The scenario ids of the catalog (DESIGN.md); each has helm/faultline/scenarios/<id>.yaml. */
export const SCENARIO_IDS = [
  'tcp-wrong-target-port',
  'dns-upstream-failure',
  'dns-ndots-amplification',
  'slow-page-trace',
  'service-load-balancing',
  'retry-fail-rate',
  'crash-circuit-breaker',
  'canary-split',
  'stale-dns-server',
  'broker-pod-loss',
  'node-loss',
  'network-policy-deny',
] as const;

/** The services of the lab's contract, each deployed by the chart. */
export const CONTRACT_APPS = [
  'product-service',
  'order-service',
  'store-front',
  'external-server',
  'front-end',
  'business-logic',
  'retry-backend',
  'retry-client',
  'dns-server',
] as const;

export function scenarioFiles(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

export function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, suffix);
    return entry.name.endsWith(suffix) ? [full] : [];
  });
}

/**
 * Asserts `files` pass shellcheck at style level (sourced files followed). Without shellcheck, the project's
 * policy: skip saying how to install it, or fail under CI.
 */
export function assertShellcheckClean(t: TestContext, files: readonly string[]): void {
  const skip = skipWithout('shellcheck');
  if (skip) {
    t.skip(skip);
    return;
  }
  const result = run(requireTool('shellcheck'), ['--external-sources', '--severity=style', ...files.map((f) => path.relative(ROOT, f))]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
}
