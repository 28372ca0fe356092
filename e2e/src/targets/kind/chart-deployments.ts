/**
 * How a lab's Deployments are named and selected in the chart: the lab's upstream DNS is the chart's
 * dns-server, a canary (the chart's `retry-backend-<version>`) runs its primary's app and is told apart
 * from it by the `version` label, everything else is the app of the same name.
 */
import { CLUSTER_DNS_DEPLOYMENT, type LabSpec, UPSTREAM_DNS_DEPLOYMENT } from '../../lab/spec';
import { CANARY_APP, canaryVersion, PRIMARY_VERSION, UPSTREAM_DNS_APP } from './lab-values';

export class ChartDeployments {
  private readonly canary: { name: string; version: string } | undefined;

  constructor(
    private readonly lab: LabSpec,
    private readonly release: string,
  ) {
    for (const d of lab.deployments) {
      const version = canaryVersion(d);
      if (version && !this.canary) this.canary = { name: d.name, version };
    }
  }

  /** A lab Deployment's app in the chart. */
  app(deployment: string): string {
    if (deployment === CLUSTER_DNS_DEPLOYMENT) throw new Error(`${CLUSTER_DNS_DEPLOYMENT} is the cluster's CoreDNS: not supported by the kind target here`);
    if (deployment === UPSTREAM_DNS_DEPLOYMENT && this.lab.upstreamDns) return UPSTREAM_DNS_APP;
    const spec = this.lab.deployments.find((d) => d.name === deployment);
    if (!spec) {
      throw new Error(`no deployment "${deployment}" in this lab (have: ${this.lab.deployments.map((d) => d.name).join(', ')})`);
    }
    return canaryVersion(spec) ? spec.app : deployment;
  }

  /** The lab Deployment a chart pod belongs to, from its app and labels. */
  deploymentOf = (app: string, labels: Record<string, string> = {}): string => {
    if (app === UPSTREAM_DNS_APP) return UPSTREAM_DNS_DEPLOYMENT;
    return this.canary && app === CANARY_APP && labels.version === this.canary.version ? this.canary.name : app;
  };

  /** The label selector of a lab Deployment's pods. */
  selector(deployment: string): string {
    const app = this.app(deployment);
    const base = `app=${app},app.kubernetes.io/instance=${this.release}`;
    if (!this.canary || app !== CANARY_APP) return base;
    return `${base},version=${deployment === this.canary.name ? this.canary.version : PRIMARY_VERSION}`;
  }

  /** The Deployment object of a lab Deployment (the chart names the canary's `retry-backend-<version>`). */
  resource(deployment: string): string {
    return this.canary?.name === deployment ? deployment : this.app(deployment);
  }

  /** The lab's Deployment names, the upstream DNS included when the lab has one. */
  names(): Set<string> {
    return new Set([...this.lab.deployments.map((d) => d.name), ...(this.lab.upstreamDns ? [UPSTREAM_DNS_DEPLOYMENT] : [])]);
  }
}
