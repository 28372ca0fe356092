// The kind target's cluster faults through a fake kubectl (no cluster is reachable from the unit tests; npm run
// test:kind runs broker-pod-loss and network-policy-deny against a real one): what is asked of the API, and the
// clear errors for a broker pod or a policy that is not there, with nothing changed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeCommandRunner, type RecordedCommand } from './fake-command-runner';
import { KindClusterFaults } from './kind-cluster-faults';

const kubectl = (args: readonly string[], namespace = 'faultline') => ['-n', namespace, ...args];

function brokerPod(uid: string, ready: boolean) {
  return {
    metadata: { name: 'rabbitmq-0', uid },
    spec: { nodeName: 'kind-worker', volumes: [{ persistentVolumeClaim: { claimName: 'data-rabbitmq-0' } }] },
    status: { podIP: '10.244.1.7', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function faultsWith(handler: (line: string) => unknown, upgrades: Record<string, unknown>[] = []) {
  const runner = new FakeCommandRunner((c: RecordedCommand) => handler(c.args.join(' ')) as never, undefined, (stream) => stream.write('Press Ctrl-C to quit'));
  const faults = new KindClusterFaults({ runner, kubectl, namespace: 'faultline', release: 'faultline', upgradeLab: async (extra) => void upgrades.push(extra) });
  return { runner, faults };
}

const POLICIES = { items: [{ metadata: { name: 'order-service-to-rabbitmq' } }, { metadata: { name: 'default-deny-ingress' } }] };

describe('KindClusterFaults (fake kubectl)', () => {
  it('deletes the broker pod without waiting, and waits for a new Ready one on the same claim and volume', async () => {
    let pod = brokerPod('uid-1', true);
    const { runner, faults } = faultsWith((line) => {
      if (line.includes('get pod rabbitmq-0')) return pod;
      if (line.includes('get pvc data-rabbitmq-0')) return { spec: { volumeName: 'pvc-1234' } };
      if (line.includes('delete pod rabbitmq-0')) return 'pod "rabbitmq-0" deleted\n';
      return undefined;
    });
    const before = await faults.deleteBrokerPod();
    assert.deepEqual(before, { pod: 'rabbitmq-0', uid: 'uid-1', node: 'kind-worker', ip: '10.244.1.7', ready: true, claim: 'data-rabbitmq-0', volume: 'pvc-1234' });
    assert.ok(runner.lines().includes('kubectl -n faultline delete pod rabbitmq-0 --wait=false'));
    const replaced = faults.brokerPodReplaced('uid-1', 10_000);
    setTimeout(() => (pod = brokerPod('uid-2', false)), 50);
    setTimeout(() => (pod = brokerPod('uid-2', true)), 1_200);
    const after = await replaced;
    assert.equal(after.uid, 'uid-2');
    assert.equal(after.ready, true);
    assert.equal(after.volume, 'pvc-1234');
  });

  it('says there is no broker pod, and deletes nothing', async () => {
    const { runner, faults } = faultsWith((line) => (line.includes('get pod rabbitmq-0') ? '' : undefined));
    await assert.rejects(faults.deleteBrokerPod(), /no pod rabbitmq-0 in namespace faultline/);
    assert.ok(!runner.lines().some((l) => l.includes('delete')));
  });

  it('removes a flow with a helm upgrade leaving it out, puts every flow back with the lab values, and refuses an unknown one', async () => {
    const upgrades: Record<string, unknown>[] = [];
    const { faults } = faultsWith((line) => {
      if (line.includes('get networkpolicies')) return POLICIES;
      if (line.includes('get networkpolicy order-service-to-rabbitmq')) return { metadata: { name: 'order-service-to-rabbitmq', labels: {}, uid: 'u' }, spec: { podSelector: {} } };
      return undefined;
    }, upgrades);
    assert.deepEqual(await faults.flows(), ['default-deny-ingress', 'order-service-to-rabbitmq']);
    await assert.rejects(faults.removeFlow('order-svc-to-rabbitmq'), /no NetworkPolicy order-svc-to-rabbitmq in namespace faultline \(have: default-deny-ingress, order-service-to-rabbitmq\)/);
    assert.deepEqual(upgrades, [], 'nothing upgraded for an unknown flow');
    await faults.removeFlow('order-service-to-rabbitmq');
    await faults.restoreFlows();
    assert.deepEqual(upgrades, [{ networkPolicy: { enabled: true, omitFlows: ['order-service-to-rabbitmq'] } }, {}]);
  });

  it("keeps Cilium's Policy denied drops only, with the agent that printed them", async () => {
    const { runner, faults } = faultsWith((line) => (line.includes('get pods -l k8s-app=cilium') ? { items: [{ metadata: { name: 'cilium-abc' }, status: { phase: 'Running' } }] } : undefined));
    await faults.watchDrops();
    const since = Date.now();
    runner.streams[0].write('xx drop (Policy denied) flow 0x1 to endpoint 12, ifindex 7, file bpf_lxc.c:2410, , identity 4242->5151: 10.244.2.45:53902 -> 10.244.1.7:5672 tcp SYN');
    runner.streams[0].write('xx drop (Stale or unroutable IP) flow 0x2 to endpoint 0, ifindex 3, file bpf_lxc.c:100, , identity 1->2: 10.244.2.9:4000 -> 10.244.0.5:53 udp');
    const drops = faults.policyDrops(since);
    assert.equal(drops.length, 1);
    assert.equal(drops[0].source, '10.244.2.45:53902');
    assert.equal(drops[0].destination, '10.244.1.7:5672');
    assert.equal(drops[0].watcher, 'cilium-abc');
    await faults.stop();
    assert.ok(runner.streams[0].stopped);
  });
});
