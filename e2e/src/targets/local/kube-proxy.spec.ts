// The kube-proxy emulation with plain TCP endpoints: round-robin over the endpoints that accept, a
// refused connection (not a reset) while none accepts on targetPort, and recovery when one does.
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { formatTcpEvents, ServiceProxy } from './kube-proxy';

const CLUSTER_IP = '127.0.251.1';
const POD_IPS = ['127.0.251.11', '127.0.251.12'];

function echoName(name: string, ip: string, port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined); // the proxy's probes connect and reset
      socket.end(name);
    }).listen(port, ip, () => resolve(server));
  });
}

function ask(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('ServiceProxy', () => {
  const servers: Server[] = [];
  let proxy: ServiceProxy;
  let targetPort: number;

  before(async () => {
    const first = await echoName('pod-a', POD_IPS[0], 0);
    targetPort = (first.address() as { port: number }).port;
    servers.push(first, await echoName('pod-b', POD_IPS[1], targetPort));
    proxy = new ServiceProxy({ name: 'demo', clusterIp: CLUSTER_IP, port: 4080, targetPort, endpoints: () => POD_IPS, probeIntervalMs: 100 });
    await proxy.start();
  });
  after(async () => {
    await proxy.stop();
    for (const server of servers) server.close();
  });

  it('forwards connections round-robin over the endpoints', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await ask(CLUSTER_IP, 4080));
    assert.deepEqual(answers.sort(), ['pod-a', 'pod-a', 'pod-b', 'pod-b']);
  });

  it('refuses connections while no endpoint accepts on targetPort, and serves again when fixed', async () => {
    await proxy.update({ targetPort: targetPort + 1 === 65536 ? targetPort - 1 : targetPort + 1 });
    assert.equal(proxy.listening, false);
    assert.equal(await ask(CLUSTER_IP, 4080), 'ECONNREFUSED');
    await proxy.update({ targetPort });
    assert.equal(proxy.listening, true);
    assert.match(await ask(CLUSTER_IP, 4080), /^pod-[ab]$/);
  });

  it("logs each connection in trace_tcp's columns with the pod it was translated to, and when the Service refuses", async () => {
    const since = Date.now();
    await ask(CLUSTER_IP, 4080);
    const wrong = targetPort + 1 === 65536 ? targetPort - 1 : targetPort + 1;
    await proxy.update({ targetPort: wrong });
    await ask(CLUSTER_IP, 4080);
    await proxy.update({ targetPort });
    const events = proxy.tcpEvents.filter((e) => e.at >= since);
    const connect = events.find((e) => e.type === 'connect');
    assert.ok(connect, JSON.stringify(events));
    assert.match(connect.src, /^127\.0\.0\.1:\d+$/);
    assert.equal(connect.dst, `${CLUSTER_IP}:4080`);
    assert.ok(POD_IPS.map((ip) => `${ip}:${targetPort}`).includes(connect.pod));
    assert.equal(connect.error, '');
    assert.ok(events.some((e) => e.type === 'close' && e.src === connect.src));
    const refusing = events.find((e) => e.type === 'refusing');
    assert.deepEqual(refusing && [refusing.dst, refusing.pod, refusing.error], [`${CLUSTER_IP}:4080`, `no endpoint accepts on ${wrong}`, 'ECONNREFUSED']);
    assert.ok(refusing && events.findIndex((e) => e.type === 'accepting') > events.indexOf(refusing));
    const text = formatTcpEvents(events);
    assert.match(text.split('\n')[0], /^TYPE\s+SRC\s+DST\s+POD\s+ERROR$/);
    assert.match(text, /refusing\s+127\.0\.251\.1:4080\s+no endpoint accepts on \d+\s+ECONNREFUSED/);
  });

  it('logs the error of a connection whose pod went away between two probes', async () => {
    const since = Date.now();
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.251.13', () => resolve()));
    const port = (gone.address() as { port: number }).port;
    const single = new ServiceProxy({ name: 'single', clusterIp: '127.0.251.2', port: 4081, targetPort: port, endpoints: () => ['127.0.251.13'], probeIntervalMs: 60_000 });
    await single.start();
    try {
      await new Promise((resolve) => gone.close(resolve));
      assert.equal(await ask('127.0.251.2', 4081), 'ECONNRESET');
      const failed = single.tcpEvents.find((e) => e.at >= since && e.type === 'connect');
      assert.deepEqual(failed && [failed.pod, failed.error], [`127.0.251.13:${port}`, 'ECONNREFUSED']);
    } finally {
      await single.stop();
    }
  });

  it('stops sending to an endpoint that went away, once probed', async () => {
    await new Promise((resolve) => servers[1].close(resolve));
    await proxy.refresh();
    assert.deepEqual(proxy.readyEndpoints, [POD_IPS[0]]);
    for (let i = 0; i < 3; i += 1) assert.equal(await ask(CLUSTER_IP, 4080), 'pod-a');
  });
});
