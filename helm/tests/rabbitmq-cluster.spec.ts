/**
 * rabbitmq.replicas: 3 (kind/ha-broker.values.yaml), rendered offline: three brokers forming one RabbitMQ cluster by
 * classic peer discovery over the headless Service, one per node, sharing the Erlang cookie of the release's Secret,
 * reachable to each other through the lab's NetworkPolicies; order-service declaring a quorum queue. The default
 * stays one broker named rabbit@localhost. Whether the cluster forms and survives a node is npm run test:kind's
 * (node-loss on kind/ha-broker.yaml).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envOf, HELM_SKIP, lazyRender, NAMESPACE } from './render';
import { repoPath } from './repo';

const single = lazyRender();
const ha = lazyRender([repoPath('kind', 'values.yaml'), repoPath('kind', 'ha-broker.values.yaml')]);

describe('rabbitmq.replicas: 3', { skip: HELM_SKIP }, () => {
  it('three brokers started together, one per node, each named by its stable DNS name', () => {
    const set = ha.get('StatefulSet', 'rabbitmq');
    assert.equal(set.spec.replicas, 3);
    assert.equal(set.spec.podManagementPolicy, 'Parallel');
    const [term] = set.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    assert.equal(term.topologyKey, 'kubernetes.io/hostname');
    assert.deepEqual(term.labelSelector.matchLabels, set.spec.selector.matchLabels);
    const env = envOf(set.spec.template.spec.containers[0]);
    assert.equal(env.RABBITMQ_USE_LONGNAME, 'true');
    assert.equal(env.RABBITMQ_NODENAME, `rabbit@$(POD_NAME).rabbitmq-headless.${NAMESPACE}.svc.cluster.local`);
    assert.equal(env.POD_NAME, 'field:metadata.name');
    assert.equal(env.RABBITMQ_ERLANG_COOKIE_VALUE, 'secret:faultline-rabbitmq/erlangCookie');
    assert.equal(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS, '-setcookie $(RABBITMQ_ERLANG_COOKIE_VALUE)');
    assert.equal(env.RABBITMQ_CTL_ERL_ARGS, '-setcookie $(RABBITMQ_ERLANG_COOKIE_VALUE)', "the probes' CLI tools need the cookie too");
    assert.ok(ha.get('Secret', 'faultline-rabbitmq').data.erlangCookie);
  });

  it('the peers are listed by name in conf.d, and the headless Service resolves them before they are ready', () => {
    const conf = ha.get('ConfigMap', 'rabbitmq-cluster').data['cluster.conf'] as string;
    assert.match(conf, /^cluster_formation\.peer_discovery_backend = classic_config$/m);
    for (const i of [0, 1, 2]) assert.match(conf, new RegExp(`^cluster_formation\\.classic_config\\.nodes\\.${i + 1} = rabbit@rabbitmq-${i}\\.rabbitmq-headless\\.${NAMESPACE}\\.svc\\.cluster\\.local$`, 'm'));
    const mounts = ha.get('StatefulSet', 'rabbitmq').spec.template.spec.containers[0].volumeMounts;
    assert.ok(mounts.some((m: { mountPath: string }) => m.mountPath === '/etc/rabbitmq/conf.d/20-cluster.conf'));
    const headless = ha.get('Service', 'rabbitmq-headless');
    assert.equal(headless.spec.publishNotReadyAddresses, true);
    assert.ok(headless.spec.ports.some((p: { port: number }) => p.port === 25672), 'Erlang distribution');
  });

  it('the lab policies let the brokers reach each other; order-service declares a quorum queue', () => {
    const policy = ha.get('NetworkPolicy', 'rabbitmq-cluster');
    assert.deepEqual(policy.spec.podSelector, { matchLabels: { app: 'rabbitmq' } });
    assert.deepEqual(policy.spec.ingress, [{ from: [{ podSelector: { matchLabels: { app: 'rabbitmq' } } }] }]);
    assert.equal(envOf(ha.get('Deployment', 'order-service').spec.template.spec.containers[0]).ORDER_QUEUE_TYPE, 'quorum');
  });

  it('by default one broker, rabbit@localhost, with no peers to find', () => {
    const set = single.get('StatefulSet', 'rabbitmq');
    assert.equal(set.spec.replicas, 1);
    assert.equal(set.spec.podManagementPolicy, undefined);
    assert.equal(envOf(set.spec.template.spec.containers[0]).RABBITMQ_NODENAME, 'rabbit@localhost');
    assert.equal(single.find('ConfigMap', 'rabbitmq-cluster'), undefined);
  });
});
