import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindClusterDnsSources, kindIngressSources, kindSources } from './kind-sources';

describe("the kind target's labels", () => {
  const sources = kindSources({
    namespace: 'faultline',
    release: 'faultline',
    selector: (d) => `app.kubernetes.io/instance=faultline,app.kubernetes.io/name=${d}`,
    resource: (d) => `faultline-${d}`,
    playedBy: (name) => (name === 'auth-proxy' ? 'nginx configured like ingress-nginx auth-url' : undefined),
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

  it('say what answers as a Service the chart plays with something else (auth-proxy: nginx), and through which port-forward', () => {
    assert.equal(sources.serviceRequests('auth-proxy'), "the harness's requests to auth-proxy (nginx configured like ingress-nginx auth-url) through kubectl -n faultline port-forward svc/auth-proxy");
    assert.equal(sources.logs('auth-proxy'), 'kubectl -n faultline logs -l app.kubernetes.io/instance=faultline,app.kubernetes.io/name=auth-proxy (nginx configured like ingress-nginx auth-url)');
    assert.equal(sources.serviceRequests('echo'), "the harness's requests to echo through kubectl -n faultline port-forward svc/echo");
  });

  it('name the cluster DNS, Cilium and ingress commands: the drops are every agent\'s monitor', () => {
    const dns = kindClusterDnsSources({ dnsNamespace: 'kube-system', labNamespace: 'faultline' });
    assert.equal(dns.rolloutRestart(), 'kubectl -n kube-system rollout restart deployment coredns; kubectl -n kube-system get pods -l k8s-app=kube-dns');
    assert.equal(dns.signalPods('auth-proxy', 'SIGHUP'), 'kubectl -n faultline exec deploy/auth-proxy -- nginx -s reload');
    assert.equal(dns.drops(), 'kubectl -n kube-system exec <pod> -c cilium-agent -- cilium-dbg monitor --type drop, every agent (k8s-app=cilium)');
    assert.match(dns.socketTermination?.(false) ?? '', /^kubectl -n kube-system patch configmap cilium-config \(bpf-lb-sock-terminate-pod-connections: "false"\); kubectl -n kube-system rollout restart daemonset\/cilium/);
    assert.equal(kindIngressSources({ namespace: 'faultline' }).ingress('h'), 'kubectl -n faultline get ingress -o json (the pair for h)');
  });
});
