// Cilium agents' `cilium-dbg monitor --type drop` as the kind target reads it. No cluster or Cilium agent can exist
// on this machine: the lines are written in the format of Cilium 1.20's DropNotify.DumpInfo
// (pkg/monitor/datapath_drop.go, the summary of pkg/monitor/dissect.go), plus one of the older agent the seed ran;
// the agents' monitors are streams of a fake kubectl.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CiliumDropWatch, parseDropLine, portOf } from './cilium-drops';
import { FakeCommandRunner, type FakeStream, type RecordedCommand } from './fake-command-runner';

/** What `cilium-dbg monitor` prints before any event (stderr), and an agent log line. */
const BANNER = ['Listening for events on 2 CPUs with 64x4096 of shared memory', 'Press Ctrl-C to quit'];
const LOG_LINE = 'time=2026-12-02T10:00:00.123Z level=info msg="Initializing dissection cache..." subsys=monitor';

const STALE_1_20 = 'xx drop (Stale or unroutable IP) flow 0x29e44ff to endpoint 0, ifindex 5, file bpf_lxc.c:1281, , identity 10977->unknown: 10.244.1.5:46958 -> 10.244.2.3:53 udp';
const WITH_TRACE_ID = 'xx drop (Stale or unroutable IP, -3) flow 0x0 to endpoint 0, ifindex 7, file bpf_sock.c:512,  [ ip-trace-id = 42 ], identity 10977->world: 10.244.1.5:46958 -> 10.244.2.3:53 udp';
/** The seed's agent (no ifindex and file yet). */
const STALE_SEED = 'xx drop (Stale or unroutable IP) flow 0x29e44ff to endpoint 0, , identity 10977->unknown: 10.242.0.36:46958 -> 10.242.1.170:53 udp';
const ROUTER_SOLICITATION = 'xx drop (Unsupported L3 protocol) flow 0x0 to endpoint 0, ifindex 9, file bpf_lxc.c:2212, , identity 37216->unknown: fe80::c85a:63ff:fe03:5b66 -> ff02::2 RouterSolicitation';
const TCP_POLICY = 'xx drop (Policy denied) flow 0x7d3a1b2c to endpoint 1234, ifindex 11, file bpf_lxc.c:2001, , identity remote-node->23451: 10.244.0.9:41234 -> 10.244.2.9:8080 tcp SYN';

describe('parseDropLine', () => {
  it("reads Cilium 1.20's drop line: reason, flow, endpoint, ifindex, file, identities, addresses and protocol", () => {
    assert.deepEqual(parseDropLine(STALE_1_20), {
      reason: 'Stale or unroutable IP',
      flow: '0x29e44ff',
      endpointId: 0,
      ifindex: 5,
      file: 'bpf_lxc.c:1281',
      identity: { source: '10977', destination: 'unknown' },
      source: '10.244.1.5:46958',
      destination: '10.244.2.3:53',
      protocol: 'udp',
      line: STALE_1_20,
    });
  });

  it('reads the line with an ip-trace-id, with an extended error, and the older agent line without ifindex and file', () => {
    const traced = parseDropLine(WITH_TRACE_ID);
    assert.equal(traced?.reason, 'Stale or unroutable IP, -3');
    assert.equal(traced?.file, 'bpf_sock.c:512');
    assert.deepEqual(traced?.identity, { source: '10977', destination: 'world' });
    const seed = parseDropLine(STALE_SEED);
    assert.equal(seed?.ifindex, undefined);
    assert.equal(seed?.file, undefined);
    assert.equal(seed?.destination, '10.242.1.170:53');
  });

  it('reads other drops too (no port, TCP with flags, named identities), and nothing from the banner or log lines', () => {
    const rs = parseDropLine(ROUTER_SOLICITATION);
    assert.equal(rs?.source, 'fe80::c85a:63ff:fe03:5b66');
    assert.equal(rs?.destination, 'ff02::2');
    assert.equal(rs?.protocol, undefined);
    const tcp = parseDropLine(TCP_POLICY);
    assert.deepEqual([tcp?.reason, tcp?.endpointId, tcp?.identity.source, tcp?.destination, tcp?.protocol], ['Policy denied', 1234, 'remote-node', '10.244.2.9:8080', 'tcp']);
    for (const line of [...BANNER, LOG_LINE, '', 'Received an interrupt, disconnecting from monitor...']) assert.equal(parseDropLine(line), undefined, line);
  });

  it('portOf: the port of ip:port and [ipv6]:port, none for a bare address', () => {
    assert.equal(portOf('10.244.2.3:53'), 53);
    assert.equal(portOf('[fd00::5]:53'), 53);
    assert.equal(portOf('ff02::2'), undefined);
  });
});

/** Two running agents and one terminating, as `kubectl -n kube-system get pods -l k8s-app=cilium -o json` lists them (trimmed). */
const AGENTS = {
  kind: 'List',
  items: [
    { metadata: { name: 'cilium-8q7zt', labels: { 'k8s-app': 'cilium' } }, status: { phase: 'Running', podIP: '172.18.0.3' } },
    { metadata: { name: 'cilium-4xk2p', labels: { 'k8s-app': 'cilium' } }, status: { phase: 'Running', podIP: '172.18.0.2' } },
    { metadata: { name: 'cilium-old9z', labels: { 'k8s-app': 'cilium' }, deletionTimestamp: '2026-12-02T10:00:00Z' }, status: { phase: 'Running', podIP: '172.18.0.4' } },
  ],
};

function watchOn(onStream: (stream: FakeStream) => void) {
  const runner = new FakeCommandRunner((c: RecordedCommand) => (c.args.join(' ').includes('get pods -l k8s-app=cilium') ? AGENTS : undefined), undefined, onStream);
  const watch = new CiliumDropWatch({ runner, kubectl: (args, ns) => ['--context', 'kind-faultline-bpf', '-n', ns ?? 'faultline', ...args], namespace: 'kube-system', readyTimeoutMs: 2_000 });
  return { runner, watch };
}

describe('CiliumDropWatch (fake kubectl)', () => {
  it('runs one monitor per running agent, waits until each listens, and keeps the drops it prints with agent and time', async () => {
    const { runner, watch } = watchOn((stream) => BANNER.forEach((line) => stream.write(line)));
    const before = Date.now();
    await watch.start();
    assert.deepEqual(runner.lines(), ['kubectl --context kind-faultline-bpf -n kube-system get pods -l k8s-app=cilium -o json']);
    assert.deepEqual(
      runner.streams.map((s) => s.args.join(' ')),
      ['cilium-4xk2p', 'cilium-8q7zt'].map((pod) => `--context kind-faultline-bpf -n kube-system exec ${pod} -c cilium-agent -- cilium-dbg monitor --type drop`),
    );
    runner.streams[1].write(LOG_LINE);
    runner.streams[1].write(STALE_1_20);
    runner.streams[0].write(ROUTER_SOLICITATION);
    const drops = watch.drops(before);
    assert.deepEqual(drops.map((d) => [d.agent, d.destination]), [['cilium-8q7zt', '10.244.2.3:53'], ['cilium-4xk2p', 'ff02::2']]);
    assert.ok(drops.every((d) => d.at >= before));
    assert.deepEqual(watch.drops(Date.now() + 1), []);
    assert.match(watch.describe(before), /^2 agents in \d+ s$/);

    // A second start() (the next restart) leaves the live monitors alone.
    await watch.start();
    assert.equal(runner.streams.length, 2);
    await watch.stop();
    assert.ok(runner.streams.every((s) => s.stopped), 'every monitor is stopped');
  });

  it('a monitor that ends before it listens is named with its output; a new start() watches that agent again', async () => {
    const { runner, watch } = watchOn((stream) => {
      if (stream.args.includes('cilium-8q7zt') && runner.streams.filter((s) => s.args.includes('cilium-8q7zt')).length === 1) {
        stream.write('error: unable to upgrade connection: container not found ("cilium-agent")');
        stream.exit(1);
      } else BANNER.forEach((line) => stream.write(line));
    });
    await watch.start();
    assert.match(watch.describe(Date.now()), /^1 agent in \d+ s; kubectl --context kind-faultline-bpf -n kube-system exec cilium-8q7zt -c cilium-agent -- cilium-dbg monitor --type drop ended \(1\): error: unable to upgrade connection/);
    await watch.start();
    assert.equal(runner.streams.filter((s) => s.args.includes('cilium-8q7zt')).length, 2, 'watched again');
    await watch.stop();
  });

  it('after an agent restart (the old monitors ended with their pods), start() watches the new pods; a later window counts only those', async () => {
    let agents = AGENTS;
    const runner = new FakeCommandRunner((c) => (c.args.join(' ').includes('get pods -l k8s-app=cilium') ? agents : undefined), undefined, (stream) => stream.write('Press Ctrl-C to quit'));
    const watch = new CiliumDropWatch({ runner, kubectl: (args, ns) => ['-n', ns ?? 'faultline', ...args], namespace: 'kube-system' });
    await watch.start();
    for (const stream of runner.streams) stream.exit(1);
    agents = { kind: 'List', items: ['cilium-new1a', 'cilium-new2b'].map((name) => ({ metadata: { name, labels: { 'k8s-app': 'cilium' } }, status: { phase: 'Running', podIP: '172.18.0.9' } })) };
    await new Promise((resolve) => setTimeout(resolve, 5));
    const after = Date.now();
    await watch.start();
    assert.deepEqual(runner.streams.slice(2).map((s) => s.args[3]), ['cilium-new1a', 'cilium-new2b']);
    assert.match(watch.describe(after), /^2 agents in \d+ s$/);
    await watch.stop();
  });
});
