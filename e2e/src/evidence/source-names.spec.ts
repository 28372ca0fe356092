import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANARY_ANALYSIS_SOURCE } from '../targets/evidence-sources';
import { localClusterDnsSources, localIngressSources, localSources } from '../targets/local/local-sources';
import { localLabelMisnames, realToolsNamed } from './source-names';

describe('realToolsNamed', () => {
  it('finds the tools a label claims produced its text', () => {
    assert.deepEqual(realToolsNamed('kubectl describe canary retry-backend-v2 (events)'), ['kubectl']);
    assert.deepEqual(realToolsNamed('cilium monitor --type drop'), ['cilium']);
    assert.deepEqual(realToolsNamed('CoreDNS /queries from auth-proxy'), ['coredns']);
    assert.deepEqual(realToolsNamed('nginx -s reload'), ['nginx']);
    assert.deepEqual(realToolsNamed('the ingress-nginx controller'), ['ingress-nginx']);
    assert.deepEqual(realToolsNamed('Synced flagger'), ['flagger']);
    assert.deepEqual(realToolsNamed('curl -H tester: true'), ['curl']);
  });

  it('leaves out a tool named as what the text is not', () => {
    assert.deepEqual(realToolsNamed('the ingress-nginx stand-in'), []);
    assert.deepEqual(realToolsNamed('the lab DNS (CoreDNS stand-in) query log'), []);
    assert.deepEqual(realToolsNamed('kube-proxy stand-in connection log (trace_tcp columns, not ig)'), []);
    assert.deepEqual(realToolsNamed(CANARY_ANALYSIS_SOURCE), []);
    assert.deepEqual(realToolsNamed('ig trace_dns not run'), []);
  });

  it('does not read a tool into a word that only contains its name', () => {
    assert.deepEqual(realToolsNamed('the kube-dns Service stand-in'), []);
    assert.deepEqual(realToolsNamed('big signal, igloo'), []);
  });
});

describe('localLabelMisnames', () => {
  it("accepts the local lab's real tools only on their own output", () => {
    assert.deepEqual(localLabelMisnames("[ig trace_dns] ig trace dns --host --filter 'qtype==A'"), []);
    assert.deepEqual(localLabelMisnames('business-logic metrics, Prometheus http://127.3.0.90:9090 (job faultline-pods)'), []);
    assert.deepEqual(localLabelMisnames('prometheus scrape of order-service'), ['prometheus']);
    assert.deepEqual(localLabelMisnames('ig trace tcp'), ['ig']);
  });
});

describe("the local target's labels", () => {
  const labels = [
    ...['order-service', 'auth-proxy'].flatMap((d) => [localSources.logs(d), localSources.pods(d), localSources.setEnv(d), localSources.serviceRequests(d)]),
    localSources.pods(),
    localSources.services(),
    localSources.dnsQueries('cluster'),
    localSources.dnsQueries('upstream'),
    localSources.podRequest('http://echo:8080/'),
    localClusterDnsSources.service(),
    localClusterDnsSources.rolloutRestart(),
    localClusterDnsSources.drops(),
    localClusterDnsSources.podQueries(),
    localClusterDnsSources.signalPods('auth-proxy', 'SIGHUP'),
    localIngressSources.ingress('retry-backend.faultline.test'),
    localIngressSources.requests(),
  ];

  it('name the stand-ins, never a real tool', () => {
    for (const label of labels) assert.deepEqual(localLabelMisnames(label), [], label);
  });

  it('say which stand-in produced the text', () => {
    assert.equal(localClusterDnsSources.drops(), "the kube-dns stand-in's drop log");
    assert.equal(localSources.dnsQueries('cluster'), 'the lab DNS (CoreDNS stand-in) query log');
    assert.match(localSources.pods('retry-backend'), /the lab supervisor \(kubelet stand-in\)/);
    assert.match(localIngressSources.ingress('h'), /the ingress-nginx stand-in/);
  });
});
