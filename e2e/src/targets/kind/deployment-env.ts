/**
 * The kind target's setEnv: `kubectl set env` of a Deployment (KEY- removes), `rollout status`, then the
 * replaced pods gone. `rollout status` returns while the old pods still drain (unready, but reachable through
 * rules kube-proxy has not rewritten yet): the change is in effect once they are deleted.
 */
import type { CommandRunner } from './command-runner';

/** `scope`: kubectl's context and namespace arguments; `oldPods`: the Deployment's pod names before the change. */
export async function setDeploymentEnv(
  runner: CommandRunner,
  scope: readonly string[],
  deployment: string,
  env: Record<string, string | undefined>,
  oldPods: readonly string[],
): Promise<void> {
  const assignments = Object.entries(env).map(([key, value]) => (value === undefined ? `${key}-` : `${key}=${value}`));
  await runner.run('kubectl', [...scope, 'set', 'env', `deployment/${deployment}`, ...assignments]);
  await runner.run('kubectl', [...scope, 'rollout', 'status', `deployment/${deployment}`, '--timeout=180s'], { timeoutMs: 190_000 });
  if (oldPods.length) {
    await runner.run('kubectl', [...scope, 'wait', '--for=delete', ...oldPods.map((name) => `pod/${name}`), '--timeout=120s'], { timeoutMs: 130_000 });
  }
}
