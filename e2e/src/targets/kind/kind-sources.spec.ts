import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindClusterDnsSources, kindIngressSources, kindSources } from './kind-sources';

describe("the kind target's labels", () => {
  const sources = kindSources({
    namespace: 'faultline',
    release: 'faultline',
    selector: (d) => `app.kubernetes.io/instance=faultline,app.kubernetes.io/name=${d}`,
    resource: (d) => `faultline-${d}`,
    ingressHost: (service) => (service === 'auth-proxy' ? 'store.faultline.test' : undefined),
  });

  it('name the kubectl command the target ran, with its namespace and selector', () => {
    assert.equal(sources.logs('order-service'), 'kubectl -n faultline logs -l app.kubernetes.io/instance=faultline,app.kubernetes.io/name=order-service');
    assert.equal(sources.pods(), 'kubectl -n faultline get pods -l app.kubernetes.io/instance=faultline');
    assert.equal(sources.setEnv('retry-client'), 'kubectl -n faultline set env deployment/faultline-retry-client');
    assert.equal(sources.podRequest('http://echo:8080/'), 'kubectl -n faultline exec faultline-probe -- curl http://echo:8080/');
  });

  it("label CoreDNS's log as kubectl logs, and the lab's own upstream DNS by its API", () => {
    assert.equal(sources.dnsQueries('cluster'), 'kubectl -n kube-system logs -l k8s-app=kube-dns (CoreDNS log plugin)');
    assert.doesNotMatch(sources.dnsQueries('cluster'), /GET \/queries/);
    assert.match(sources.dnsQueries('upstream'), /faultline dns-server.*GET \/queries/);
  });

  it('say whether a Service was reached through ingress-nginx or a port-forward', () => {
    assert.match(sources.serviceRequests('auth-proxy'), /through ingress-nginx \(kubectl -n ingress-nginx port-forward svc\/ingress-nginx-controller, Host store\.faultline\.test\)/);
    assert.equal(sources.serviceRequests('echo'), "the harness's requests to echo through kubectl -n faultline port-forward svc/echo");
  });

  it('name the cluster DNS and ingress commands, and no drops the target did not observe', () => {
    const dns = kindClusterDnsSources({ dnsNamespace: 'kube-system' });
    assert.equal(dns.rolloutRestart(), 'kubectl -n kube-system rollout restart deployment coredns; kubectl -n kube-system get pods -l k8s-app=kube-dns');
    assert.equal(dns.signalPods('auth-proxy', 'SIGHUP'), 'kubectl -n ingress-nginx exec deploy/ingress-nginx-controller -- nginx -s reload');
    assert.match(dns.drops(), /does not run cilium monitor/);
    assert.equal(kindIngressSources({ namespace: 'faultline' }).ingress('h'), 'kubectl -n faultline get ingress -o json (the pair for h)');
  });
});
