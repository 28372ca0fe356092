/**
 * `helm upgrade --wait` returns once the new pods are ready, while the pods it replaced still drain: kube-proxy
 * may not have rewritten its rules yet and a port-forward may land on one, so a request can still reach the
 * previous revision (an order-service with another EXTERNAL_SERVER_URL, say). The lab is the new one once they are gone.
 */
import { pollUntil } from '@faultline/test-support';
import type { CommandRunner } from './command-runner';

/** Waits until no pod of `release` is terminating; `scope`: kubectl's context and namespace arguments. */
export async function replacedPodsGone(runner: CommandRunner, scope: readonly string[], release: string, timeoutMs = 120_000): Promise<void> {
  const terminating = ['get', 'pods', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'jsonpath={range .items[?(@.metadata.deletionTimestamp)]}{.metadata.name}{"\\n"}{end}'];
  let left: string[] = [];
  try {
    await pollUntil(
      async () => {
        left = (await runner.run('kubectl', [...scope, ...terminating])).stdout.split('\n').filter(Boolean);
        return left.length === 0;
      },
      { timeoutMs, intervalMs: 500, what: 'the pods the upgrade replaced to be gone' },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; still terminating: ${left.join(', ')}`);
  }
}
