/** The target a run uses, by name. */
import type { TargetName } from '../scenarios/model';
import { createKindTarget } from './kind/kind-target';
import { LocalTarget, type LocalTargetOptions } from './local/local-target';
import type { Target } from './target';

export function createTarget(name: TargetName, options: LocalTargetOptions = {}): Target {
  // kind: where scripts/cluster installed the lab (same variables); fails fast when no cluster is reachable.
  if (name === 'kind') {
    return createKindTarget({
      namespace: process.env.FAULTLINE_NAMESPACE || undefined,
      release: process.env.FAULTLINE_RELEASE || undefined,
      context: process.env.KUBE_CONTEXT || undefined,
      probeImage: process.env.FAULTLINE_PROBE_IMAGE || undefined,
    });
  }
  return new LocalTarget(options);
}
