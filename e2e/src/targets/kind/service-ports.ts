/** Changing a lab Service's port or targetPort on a cluster, as `kubectl patch` would, and waiting for it to apply. */
import { pollUntil } from '@faultline/test-support';
import { type CommandRunner, runJson } from './command-runner';
import { httpPortIndex, type KubeEndpointSlice, type KubeList, type KubeService, slicePorts } from './kube-objects';

/** `scope`: kubectl's context and namespace arguments. */
export async function patchServicePorts(
  runner: CommandRunner,
  scope: readonly string[],
  service: string,
  ports: { port?: number; targetPort?: number },
): Promise<void> {
  const kubectl = (args: string[]) => [...scope, ...args];
  const current = await runJson<KubeService>(runner, 'kubectl', kubectl(['get', 'service', service, '-o', 'json']));
  const index = httpPortIndex(current);
  const patch = [
    ...(ports.port !== undefined ? [{ op: 'replace', path: `/spec/ports/${index}/port`, value: ports.port }] : []),
    ...(ports.targetPort !== undefined ? [{ op: 'replace', path: `/spec/ports/${index}/targetPort`, value: ports.targetPort }] : []),
  ];
  if (!patch.length) return;
  await runner.run('kubectl', kubectl(['patch', 'service', service, '--type=json', '-p', JSON.stringify(patch)]));
  if (ports.targetPort === undefined) return;
  // kube-proxy programs the new port from the EndpointSlices: wait until they carry it.
  const name = current.spec.ports?.[index].name ?? 'http';
  await pollUntil(
    async () => {
      const slices = await runJson<KubeList<KubeEndpointSlice>>(runner, 'kubectl', kubectl(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`, '-o', 'json']));
      const seen = slicePorts(service, slices.items, name);
      return seen.length > 0 && seen.every((p) => p === ports.targetPort);
    },
    { timeoutMs: 15_000, intervalMs: 250, what: `the EndpointSlices of ${service} to send to port ${ports.targetPort}` },
  );
}
