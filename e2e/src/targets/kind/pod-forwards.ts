/** One `kubectl port-forward` per pod's http port, opened on first use and kept until the pod goes. */
import type { PodInfo } from '../target';
import type { CommandRunner } from './command-runner';
import { PortForward } from './port-forward';

export class PodForwards {
  private readonly forwards = new Map<string, PortForward>();

  /** `scope`: the kubectl arguments before the verb (context, namespace). */
  constructor(
    private readonly runner: CommandRunner,
    private readonly scope: string[],
  ) {}

  async url(pod: PodInfo): Promise<string> {
    const key = `${pod.name}:${pod.port}`;
    let forward = this.forwards.get(key);
    if (!forward) {
      forward = new PortForward(this.runner, { scope: this.scope, resource: `pod/${pod.name}`, remotePort: pod.port, restart: false });
      this.forwards.set(key, forward);
      try {
        await forward.start();
      } catch (error) {
        this.forwards.delete(key);
        throw error;
      }
    }
    return forward.url;
  }

  /** Stops every forward (after a rollout the pods they reach are gone). */
  async stopAll(): Promise<void> {
    const forwards = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(forwards.map((f) => f.stop()));
  }
}
