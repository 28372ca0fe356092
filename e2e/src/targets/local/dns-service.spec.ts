// The kube-dns Service stand-in with real UDP datagrams: two "DNS pods" answer with their own name; a
// long-lived connected socket and fresh sockets query the Service address before and after the pods move.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { DnsService } from './dns-service';

const SERVICE_IP = '127.0.252.10';
const OLD_PODS = ['127.0.252.11', '127.0.252.12'];
const NEW_PODS = ['127.0.252.21', '127.0.252.22'];
const CLIENT_IP = '127.0.252.99';

function bind(address: string, port: number, onMessage?: (socket: Socket, message: Buffer, from: { address: string; port: number }) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    if (onMessage) socket.on('message', (message, from) => onMessage(socket, message, from));
    socket.once('error', reject);
    socket.bind(port, address, () => resolve(socket));
  });
}

/** A "pod": answers every datagram with `<its ip> <the sender>`. */
function pod(ip: string, port: number): Promise<Socket> {
  return bind(ip, port, (socket, _message, from) => socket.send(`${ip} ${from.address}`, from.port, from.address));
}

/** Sends on `socket` and waits for one reply (undefined after `timeoutMs`). */
function ask(socket: Socket, timeoutMs = 400): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      resolve(undefined);
    }, timeoutMs);
    const onMessage = (message: Buffer) => {
      clearTimeout(timer);
      resolve(message.toString());
    };
    socket.once('message', onMessage);
    socket.send('query');
  });
}

async function connected(port: number): Promise<Socket> {
  const socket = await bind(CLIENT_IP, 0);
  await new Promise<void>((resolve) => socket.connect(port, SERVICE_IP, () => resolve()));
  return socket;
}

describe('DnsService (the kube-dns Service stand-in)', () => {
  const sockets: Socket[] = [];
  let endpoints = OLD_PODS;
  let service: DnsService;
  let servicePort: number;

  before(async () => {
    const first = await pod(OLD_PODS[0], 0);
    const targetPort = first.address().port;
    sockets.push(first, ...(await Promise.all([OLD_PODS[1], ...NEW_PODS].map((ip) => pod(ip, targetPort)))));
    service = new DnsService({ address: SERVICE_IP, port: 0, targetPort, endpoints: () => endpoints });
    await service.start();
    servicePort = Number(service.address.split(':')[1]);
  });

  after(async () => {
    await service.stop();
    for (const socket of sockets) socket.close();
  });

  it('kube-proxy: a connected socket follows the pods to their new addresses; the pods see the client address', async () => {
    service.setMode('kube-proxy');
    endpoints = OLD_PODS;
    const client = await connected(servicePort);
    sockets.push(client);
    const first = await ask(client);
    assert.ok(first, 'a reply through the Service');
    const [podIp, seenSource] = first.split(' ');
    assert.ok(OLD_PODS.includes(podIp));
    assert.equal(seenSource, CLIENT_IP, 'the pod sees the client address (DNAT keeps the source)');
    assert.equal((await ask(client))?.split(' ')[0], podIp, 'the flow stays on its pod while it is an endpoint');

    endpoints = NEW_PODS;
    const moved = await ask(client);
    assert.ok(moved && NEW_PODS.includes(moved.split(' ')[0]), `the same socket reaches a new pod: ${moved}`);
    assert.deepEqual(service.drops(), []);
  });

  it('socket-lb: a connected socket stays pinned to its gone pod (dropped); a new socket reaches the new pods', async () => {
    service.setMode('socket-lb');
    endpoints = OLD_PODS;
    const since = Date.now();
    const longLived = await connected(servicePort);
    sockets.push(longLived);
    const first = await ask(longLived);
    const pinned = first?.split(' ')[0];
    assert.ok(pinned && OLD_PODS.includes(pinned));

    endpoints = NEW_PODS;
    assert.equal(await ask(longLived), undefined, 'no reply: the datagram went to the pinned, gone pod');
    const drops = service.drops(since);
    assert.equal(drops.length, 1);
    assert.equal(drops[0].client, `${CLIENT_IP}:${longLived.address().port}`);
    assert.equal(drops[0].endpoint.split(':')[0], pinned);
    assert.equal(drops[0].reason, 'Stale or unroutable IP');

    const fresh = await connected(servicePort);
    sockets.push(fresh);
    const answer = await ask(fresh);
    assert.ok(answer && NEW_PODS.includes(answer.split(' ')[0]), `a new socket is translated anew: ${answer}`);

    service.setMode('kube-proxy');
    const unpinned = await ask(longLived);
    assert.ok(unpinned && NEW_PODS.includes(unpinned.split(' ')[0]), 'back to per-packet translation, the old socket works again');
  });

  it('spreads new flows over the endpoints', async () => {
    service.setMode('kube-proxy');
    endpoints = NEW_PODS;
    const seen = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      const client = await connected(servicePort);
      sockets.push(client);
      seen.add((await ask(client))?.split(' ')[0] ?? 'none');
    }
    assert.deepEqual([...seen].sort(), [...NEW_PODS].sort());
  });
});
