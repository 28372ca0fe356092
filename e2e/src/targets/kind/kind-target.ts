/**
 * The kind target: the same scenarios against a kind cluster (images built from one Dockerfile,
 * `kind load`, `helm upgrade --install --wait`, faults through Helm values and the admin API, traces
 * from Zipkin, metrics from Prometheus, DNS from CoreDNS forwarding to the lab upstream DNS).
 * Not available here: this machine has no container engine and no Kubernetes API server.
 */
export class KindTargetUnavailable extends Error {
  constructor() {
    super('kind target: not available here (needs a container engine, kind and helm; use --target local)');
  }
}

export function createKindTarget(): never {
  throw new KindTargetUnavailable();
}
