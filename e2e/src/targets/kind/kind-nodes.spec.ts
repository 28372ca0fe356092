// A kind cluster's nodes as machines through a fake kubectl and docker (no cluster or engine is reachable from the
// unit tests; npm run test:kind stops and starts a real node): a node that is not there or is no container of this
// engine is refused with nothing stopped, a stopped node is started again at stop(), helm test pods are no lab pods.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeCommandRunner, type RecordedCommand } from './fake-command-runner';
import { KindNodes } from './kind-nodes';

const kubectl = (args: readonly string[], namespace?: string) => [...(namespace ? ['-n', namespace] : []), ...args];
const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function node(name: string, ready: string, taints: { key: string; effect: string }[] = []) {
  return { metadata: { name }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown' }] } };
}

function cluster(state: { worker2: string; containers: string[] }) {
  return (c: RecordedCommand) => {
    const line = c.args.join(' ');
    if (c.tool === 'kubectl' && line === 'get nodes -o json') {
      const taints = state.worker2 === 'True' ? [] : [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
      return { items: [node('kind-control-plane', 'True', [CONTROL_PLANE_TAINT]), node('kind-worker', 'True'), node('kind-worker2', state.worker2, taints)] };
    }
    if (c.tool === 'docker' && c.args[0] === 'inspect') {
      return state.containers.includes(c.args[c.args.length - 1]) ? 'true\n' : { code: 1, stdout: '', stderr: `Error: No such object: ${c.args[c.args.length - 1]}` };
    }
    if (c.tool === 'docker' && (c.args[0] === 'stop' || c.args[0] === 'start')) {
      state.worker2 = c.args[0] === 'stop' ? 'Unknown' : 'True';
      return `${c.args[c.args.length - 1]}\n`;
    }
    if (line.includes('get pods -l app.kubernetes.io/instance=faultline')) {
      return {
        items: [
          { metadata: { name: 'order-service-7d9', labels: { app: 'order-service' } }, spec: { nodeName: 'kind-worker2' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
          { metadata: { name: 'faultline-test-place-order', labels: { app: 'faultline-test' } }, spec: { nodeName: 'kind-worker' }, status: { phase: 'Succeeded' } },
        ],
      };
    }
    return undefined;
  };
}

const nodesWith = (state: { worker2: string; containers: string[] }) => {
  const runner = new FakeCommandRunner(cluster(state));
  const startedOnExit: string[] = [];
  const nodes = new KindNodes({ runner, kubectl, namespace: 'faultline', release: 'faultline', startOnExit: (name) => startedOnExit.push(name) });
  return { runner, nodes, startedOnExit };
};

describe('KindNodes (fake kubectl and docker)', () => {
  it('lists the nodes the lab can run on (not the tainted control plane) and the lab pods with their node, without helm test pods', async () => {
    const { nodes } = nodesWith({ worker2: 'True', containers: ['kind-worker2'] });
    assert.deepEqual((await nodes.nodes()).map((n) => n.name), ['kind-worker', 'kind-worker2']);
    assert.deepEqual(await nodes.labPods(), [{ name: 'order-service-7d9', app: 'order-service', node: 'kind-worker2', ready: true, terminating: false }]);
  });

  it('refuses a node that is not there, or not a container of this engine, and stops nothing', async () => {
    const { runner, nodes } = nodesWith({ worker2: 'True', containers: [] });
    await assert.rejects(nodes.stopNode('kind-worker9'), /no node kind-worker9 the lab's pods can run on \(have: kind-worker, kind-worker2\)/);
    await assert.rejects(nodes.stopNode('kind-worker2'), /node kind-worker2 is not a container of this Docker engine \(Error: No such object: kind-worker2\)/);
    assert.ok(!runner.lines().some((l) => l.startsWith('docker stop')));
  });

  it('stops a node at once, and starts it again at stop() when the scenario did not, or when the harness exits first', async () => {
    const state = { worker2: 'True', containers: ['kind-worker2'] };
    const { runner, nodes, startedOnExit } = nodesWith(state);
    await nodes.stopNode('kind-worker2');
    process.emit('exit', 130);
    assert.deepEqual(startedOnExit, ['kind-worker2'], 'an exit before stop() starts it synchronously');
    assert.ok(runner.lines().includes('docker stop --time 0 kind-worker2'));
    assert.equal((await nodes.nodes()).find((n) => n.name === 'kind-worker2')?.ready, 'Unknown');
    await nodes.stop();
    assert.ok(runner.lines().includes('docker start kind-worker2'));
    process.emit('exit', 0);
    assert.deepEqual(startedOnExit, ['kind-worker2'], 'once started, no exit hook is left');
    assert.deepEqual((await nodes.nodes()).find((n) => n.name === 'kind-worker2'), { name: 'kind-worker2', ready: 'True', reason: 'KubeletReady', taints: [] });
  });
});
