/** The target a run uses, by name. */
import type { TargetName } from '../scenarios/model';
import { createKindTarget } from './kind/kind-target';
import { LocalTarget, type LocalTargetOptions } from './local/local-target';
import type { Target } from './target';

export function createTarget(name: TargetName, options: LocalTargetOptions = {}): Target {
  return name === 'kind' ? createKindTarget() : new LocalTarget(options);
}
