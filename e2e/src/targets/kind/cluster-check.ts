/**
 * Before a kind run: is there a Kubernetes API kubectl can reach? Asked once per process, synchronously
 * (the CLI checks while choosing the target), bounded by kubectl's --request-timeout.
 */
import { spawnSync } from 'node:child_process';

export class ClusterUnreachableError extends Error {}

export const CREATE_HINT = 'create one with scripts/cluster/up.sh';

let reachable = false;

/** `kubectl get --raw /readyz`; throws a ClusterUnreachableError naming what failed. */
export function assertClusterReachable(options: { context?: string; requestTimeoutSeconds?: number; kubectl?: string } = {}): void {
  if (reachable) return;
  const timeout = options.requestTimeoutSeconds ?? 5;
  const args = [...(options.context ? ['--context', options.context] : []), 'get', '--raw', '/readyz', `--request-timeout=${timeout}s`];
  const result = spawnSync(options.kubectl ?? 'kubectl', args, { encoding: 'utf8', timeout: (timeout + 5) * 1000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'kubectl is not installed or not on PATH' : `kubectl ${args.join(' ')}: ${result.error.message}`;
    throw new ClusterUnreachableError(`no Kubernetes API reachable (${why}): ${CREATE_HINT}`);
  }
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-2).join(' ');
    throw new ClusterUnreachableError(`no Kubernetes API reachable: ${CREATE_HINT} (kubectl ${args.join(' ')}: ${detail || `exit code ${result.status}`})`);
  }
  reachable = true;
}
