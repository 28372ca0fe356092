/**
 * The chart's NetworkPolicies (networkPolicy.enabled), rendered offline and read as the API defines them: a pod's
 * ingress is allowed when some policy selecting it has a rule whose peer matches the client (its namespace and
 * labels) and whose ports include the destination's named port; a pod no policy selects is open. Whether a CNI
 * enforces them is a cluster question (Cilium, on the offline kit's clusters).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HELM_SKIP, lazyRender, type Manifest, NAMESPACE } from './render';
import { validateManifest } from './validate';

const on = lazyRender([], ['authProxy.enabled=true', 'flaggerCanary.enabled=true']);
const off = lazyRender([], ['networkPolicy.enabled=false']);

interface Client {
  namespace: string;
  labels: Record<string, string>;
}

type Selector = { matchLabels?: Record<string, string> } | undefined;
const matches = (selector: Selector, labels: Record<string, string>) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Whether `client` may open `port` (a named container port) on a pod of this namespace with `labels`. */
function allowed(policies: Manifest[], client: Client, labels: Record<string, string>, port: string): boolean {
  const selecting = policies.filter((p) => matches(p.spec.podSelector, labels) && (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (!selecting.length) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: { from?: { namespaceSelector?: Selector; podSelector?: Selector }[]; ports?: { port: string }[] }) => {
      const peer = (rule.from ?? []).some((from) => {
        const namespaceOk = from.namespaceSelector ? matches(from.namespaceSelector, { 'kubernetes.io/metadata.name': client.namespace }) : client.namespace === NAMESPACE;
        return namespaceOk && matches(from.podSelector, client.labels);
      });
      return peer && (!rule.ports || rule.ports.some((p) => p.port === port));
    }),
  );
}

/** The pod template labels of the workload `name` (Deployment or StatefulSet). */
function podLabels(name: string): Record<string, string> {
  const workload = on.find('Deployment', name) ?? on.get('StatefulSet', name);
  return workload.spec.template.metadata.labels;
}

const lab = (app: string): Client => ({ namespace: NAMESPACE, labels: podLabels(app) });
const outsider: Client = { namespace: 'default', labels: { app: 'order-service' } };

describe('NetworkPolicies (networkPolicy.enabled)', { skip: HELM_SKIP }, () => {
  const policies = () => on.all('NetworkPolicy');

  it('are valid, on by default, off with one value, and start from denying every pod ingress', () => {
    assert.equal(off.all('NetworkPolicy').length, 0);
    for (const policy of policies()) validateManifest(policy);
    const deny = on.get('NetworkPolicy', 'default-deny-ingress');
    assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ['Ingress'] });
  });

  it("let no pod of another namespace reach order-service's port (admin included) or the broker", () => {
    assert.equal(allowed(policies(), outsider, podLabels('order-service'), 'http'), false);
    assert.equal(allowed(policies(), outsider, podLabels('rabbitmq'), 'amqp'), false);
    assert.equal(allowed(policies(), { namespace: 'default', labels: { app: 'prometheus' } }, podLabels('retry-backend'), 'http'), false);
  });

  it('allow each documented flow; between lab pods on every port (a wrong targetPort is refused by the pod, not dropped)', () => {
    const flows: [string, string, string][] = [
      ['store-front', 'product-service', 'http'],
      ['store-front', 'order-service', 'http'],
      ['order-service', 'rabbitmq', 'amqp'],
      ['order-service', 'external-server', 'http'],
      ['front-end', 'business-logic', 'http'],
      ['retry-client', 'retry-backend', 'http'],
      ['auth-proxy', 'external-server', 'http'],
      ['auth-proxy', 'store-front', 'http'],
      ['order-service', 'zipkin', 'http'],
      ['prometheus', 'order-service', 'http'],
      ['prometheus', 'rabbitmq', 'metrics'],
    ];
    for (const [from, to, port] of flows) assert.ok(allowed(policies(), lab(from), podLabels(to), port), `${from} → ${to}:${port}`);
    assert.ok(allowed(policies(), lab('store-front'), podLabels('order-service'), '3001'), 'store-front → order-service on a port it does not listen on');
    assert.equal(allowed(policies(), { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, podLabels('dns-server'), 'http'), false, 'CoreDNS → dns-server only on DNS');
    assert.ok(allowed(policies(), { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, podLabels('dns-server'), 'dns-udp'), 'CoreDNS → dns-server');
    assert.ok(allowed(policies(), { namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } }, podLabels('myweb'), 'http'), "Traefik → Flagger's canary");
    assert.ok(allowed(policies(), { namespace: 'flagger-system', labels: { 'app.kubernetes.io/name': 'flagger' } }, podLabels('prometheus'), 'http'), 'Flagger → Prometheus');
    assert.ok(allowed(policies(), { namespace: NAMESPACE, labels: { app: 'faultline-probe' } }, podLabels('retry-backend'), 'http'), "the harness's probe pod");
  });

  it('allow nothing undocumented inside the lab', () => {
    const denied: [string, string, string][] = [
      ['product-service', 'order-service', 'http'],
      ['retry-client', 'rabbitmq', 'amqp'],
      ['front-end', 'order-service', 'http'],
      ['store-front', 'rabbitmq', 'amqp'],
      ['store-front', 'rabbitmq', 'metrics'],
      ['order-service', 'business-logic', 'http'],
    ];
    for (const [from, to, port] of denied) assert.equal(allowed(policies(), lab(from), podLabels(to), port), false, `${from} → ${to}:${port}`);
  });
});
