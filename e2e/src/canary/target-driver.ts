/**
 * The canary analysis acting on a lab: weights are the canary Ingress's `canary-weight` annotation; each
 * interval sends the load tester's requests through the ingress and reads the canary pods' /metrics
 * before and after; promotion copies the canary's template (its environment) to the primary Deployment
 * (a rolling update); routing all traffic to the primary sets the weight to 0 and removes the header and
 * cookie routes, as Flagger's nginx router does.
 */
import type { IngressControl } from '../targets/ingress-control';
import type { Target } from '../targets/target';
import type { CanaryAnalysisDriver, SuccessRateSample } from './analysis';
import { requestsThroughIngress } from './ingress-traffic';
import { countsBetween, requestCounts } from './success-rate';

export interface TargetCanaryOptions {
  target: Target;
  ingress: IngressControl;
  host: string;
  /** The request the load tester sends (path and query). */
  path: string;
  primary: string;
  canary: string;
  /** The canary's template: the environment the primary takes on promotion. */
  canaryEnv: () => Record<string, string | undefined>;
  /** Load tester requests per interval. */
  requestsPerInterval: number;
}

export function targetCanaryDriver(options: TargetCanaryOptions): CanaryAnalysisDriver {
  const { target, ingress, host } = options;
  const canaryRequests = async (): Promise<SuccessRateSample> => requestCounts(await target.scrapeMetrics(options.canary));
  return {
    canary: options.canary,
    primary: options.primary,
    namespace: target.namespace,
    async setWeight(weight) {
      await ingress.setCanary(host, { weight });
    },
    async measure() {
      const before = await canaryRequests();
      await requestsThroughIngress(ingress, host, options.path, options.requestsPerInterval);
      return countsBetween(before, await canaryRequests());
    },
    async promote() {
      await target.setEnv(options.primary, options.canaryEnv());
    },
    async routeAllToPrimary() {
      await ingress.setCanary(host, { weight: 0, header: undefined, headerValue: undefined, cookie: undefined });
    },
  };
}
