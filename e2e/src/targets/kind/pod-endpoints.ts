/**
 * The lab pods' own HTTP endpoints, each pod through a port-forward of its own (pod-forwards.ts): /admin/faults with
 * the release's admin token, /metrics, the dns-server's GET /queries. It remembers which Deployments it set faults
 * on, so that the target's stop can clear them (faults live in the pods' memory; a rollback may keep a pod).
 */
import { httpRequest, type HttpResult, type RequestOptions } from '../../evidence/http';
import { FAULTS_PATH, faultRequest, faultsOf } from '../fault-admin';
import type { PodInfo } from '../target';
import type { PodForwards } from './pod-forwards';

export class PodEndpoints {
  /** The release's admin token (Secret faultline-admin), known once the lab is installed. */
  adminToken = '';
  private readonly faulted = new Set<string>();

  constructor(
    private readonly forwards: PodForwards,
    private readonly pods: (deployment: string) => Promise<PodInfo[]>,
  ) {}

  /** `pathname` of every running pod of a Deployment. */
  async each(deployment: string, pathname: string, options: RequestOptions = {}): Promise<HttpResult[]> {
    const pods = (await this.pods(deployment)).filter((pod) => pod.running);
    if (!pods.length) throw new Error(`no running pod of ${deployment}`);
    return Promise.all(pods.map(async (pod) => httpRequest(`${await this.forwards.url(pod)}${pathname}`, { timeoutMs: 5_000, ...options })));
  }

  /** GET, PUT (with `body`) or DELETE of every pod's fault switches. */
  async faults(deployment: string, method: 'GET' | 'PUT' | 'DELETE', body?: unknown): Promise<Record<string, unknown>[]> {
    if (method === 'PUT') this.faulted.add(deployment);
    const results = await this.each(deployment, FAULTS_PATH, faultRequest(method, body, this.adminToken));
    const faults = faultsOf(results, method, deployment);
    if (method === 'DELETE') this.faulted.delete(deployment);
    return faults;
  }

  /** The Deployments whose faults were set and not cleared since. */
  get faultedDeployments(): string[] {
    return [...this.faulted];
  }
}
