/** Every scenario, in the catalog's order. Ids are stable: the CLI, the docs and the tests use them. */
import { UsageError } from '../cli/args';
import { brokerPodLoss } from './broker-pod-loss';
import { canarySplit } from './canary-split';
import { crashCircuitBreaker } from './crash-circuit-breaker';
import { dnsNdotsAmplification } from './dns-ndots-amplification';
import { dnsUpstreamFailure } from './dns-upstream-failure';
import { staleDnsServer } from './stale-dns-server';
import type { Scenario } from './model';
import { networkPolicyDeny } from './network-policy-deny';
import { nodeLoss } from './node-loss';
import { retryFailRate } from './retry-fail-rate';
import { serviceLoadBalancing } from './service-load-balancing';
import { slowPageTrace } from './slow-page-trace';
import { tcpWrongTargetPort } from './tcp-wrong-target-port';

export const CATALOG: readonly Scenario[] = [
  tcpWrongTargetPort,
  dnsUpstreamFailure,
  dnsNdotsAmplification,
  slowPageTrace,
  serviceLoadBalancing,
  retryFailRate,
  crashCircuitBreaker,
  canarySplit,
  staleDnsServer,
  brokerPodLoss,
  nodeLoss,
  networkPolicyDeny,
];

export function findScenarios(ids: readonly string[]): Scenario[] {
  return ids.map((id) => {
    const scenario = CATALOG.find((s) => s.id === id);
    if (!scenario) throw new UsageError(`unknown scenario "${id}" (known: ${CATALOG.map((s) => s.id).join(', ')})`);
    return scenario;
  });
}
