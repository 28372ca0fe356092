/** A Service of the lab by name, as `kubectl get svc <name>` shows it. */
import type { ServiceInfo, Target } from '../targets/target';

export async function getService(target: Target, name: string): Promise<ServiceInfo> {
  const service = (await target.services()).find((s) => s.name === name);
  if (!service) throw new Error(`no Service named ${name} in the lab`);
  return service;
}
