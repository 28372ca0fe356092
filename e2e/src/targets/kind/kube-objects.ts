/**
 * Reading the cluster's answers: `kubectl get -o json` of pods, Services and EndpointSlices, and
 * `kubectl top pods`, turned into the harness's PodInfo and ServiceInfo. Only the fields used are typed.
 */
import type { PodInfo, ServiceInfo } from '../target';

interface ContainerPort {
  name?: string;
  containerPort: number;
}

export interface KubePod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { name: string; ports?: ContainerPort[] }[] };
  status: {
    phase?: string;
    podIP?: string;
    containerStatuses?: { name: string; ready: boolean; restartCount: number; state?: { running?: unknown } }[];
  };
}

export interface KubeServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface KubeService {
  metadata: { name: string };
  spec: { clusterIP?: string; ports?: KubeServicePort[] };
}

export interface KubeEndpointSlice {
  metadata: { name: string; labels?: Record<string, string> };
  ports?: { name?: string; port?: number }[] | null;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean | null } }[] | null;
}

export interface KubeList<T> {
  items: T[];
}

/** The port named `http` (every lab service has one), else the first. */
export function httpPortIndex(service: KubeService): number {
  const ports = service.spec.ports ?? [];
  const index = ports.findIndex((p) => p.name === 'http');
  if (index >= 0) return index;
  if (ports.length) return 0;
  throw new Error(`Service ${service.metadata.name} has no ports`);
}

/** Pods not being deleted, as PodInfo; `deploymentOf` maps a pod's `app` label (and its other labels) to the lab's name. */
export function toPodInfos(list: KubeList<KubePod>, deploymentOf: (app: string, labels: Record<string, string>) => string): PodInfo[] {
  return list.items
    .filter((pod) => !pod.metadata.deletionTimestamp)
    .map((pod) => {
      const app = pod.metadata.labels?.app ?? '';
      const container = pod.spec.containers.find((c) => c.name === app) ?? pod.spec.containers[0];
      const port = container?.ports?.find((p) => p.name === 'http') ?? container?.ports?.[0];
      const statuses = pod.status.containerStatuses ?? [];
      return {
        name: pod.metadata.name,
        deployment: deploymentOf(app, pod.metadata.labels ?? {}),
        ip: pod.status.podIP ?? '',
        port: port?.containerPort ?? 0,
        restarts: statuses.reduce((sum, s) => sum + s.restartCount, 0),
        running: pod.status.phase === 'Running' && statuses.length > 0 && statuses.every((s) => s.state?.running !== undefined),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A Service with the addresses its EndpointSlices call ready. Kubernetes marks an endpoint ready by the
 * pod's readiness probe, not by a connect to targetPort: with a wrong targetPort the pods stay listed.
 */
export function toServiceInfo(service: KubeService, slices: readonly KubeEndpointSlice[]): ServiceInfo {
  const port = service.spec.ports?.[httpPortIndex(service)];
  const targetPort = typeof port?.targetPort === 'number' ? port.targetPort : Number(port?.targetPort ?? port?.port);
  const own = slices.filter((slice) => slice.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name);
  const ready = own.flatMap((slice) => (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses));
  return {
    name: service.metadata.name,
    clusterIp: service.spec.clusterIP ?? '',
    port: port?.port ?? 0,
    targetPort,
    readyEndpoints: [...new Set(ready)].sort(),
  };
}

/** The port number the EndpointSlices of a Service send its `http` port to (once the controller caught up). */
export function slicePorts(serviceName: string, slices: readonly KubeEndpointSlice[], portName = 'http'): number[] {
  return slices
    .filter((slice) => slice.metadata.labels?.['kubernetes.io/service-name'] === serviceName)
    .flatMap((slice) => (slice.ports ?? []).filter((p) => (p.name ?? '') === portName || (slice.ports ?? []).length === 1))
    .map((p) => p.port ?? 0);
}

const UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1000, M: 1000 ** 2, G: 1000 ** 3 };

/** `kubectl top pods --no-headers`: "order-service-6d9f-abcde   3m   41Mi" → bytes by pod. */
export function parseTopPods(text: string): Record<string, number> {
  const byPod: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [name, , memory] = line.trim().split(/\s+/);
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(memory ?? '');
    if (name && match) byPod[name] = Math.round(Number(match[1]) * UNITS[match[2] ?? '']);
  }
  return byPod;
}
