/**
 * The kube-dns Service on the local target: DNS over UDP and TCP on the Service address (127.N.0.10,
 * like kube-dns's 10.96.0.10) forwarded to the cluster DNS pods. How the UDP address is translated
 * depends on the mode, as it does in a cluster:
 * - `kube-proxy`: per-packet DNAT through conntrack. A client flow (source ip:port) keeps its DNS pod
 *   while that pod is an endpoint; when it stops being one, kube-proxy flushes the flow's UDP conntrack
 *   entries and the next datagram goes to a live endpoint.
 * - `socket-lb`: Cilium without kube-proxy translates the Service address once, when the client socket
 *   connect()s. A long-lived connected UDP socket (nginx's resolver keeps one) stays pinned to that pod,
 *   even after the pod is gone: its datagrams are dropped ("Stale or unroutable IP"). Resolvers that
 *   open a new socket per lookup (glibc) get a new translation each time, so they follow the new pods.
 *   Here a client socket is known by its source ip:port, pinned at its first datagram.
 * Sessions (a socket towards the DNS pod per client flow) bind to the client's address, so the DNS pods'
 * query logs show the client as a DNAT (which keeps the source) would. TCP is per connection in both
 * modes (the Service proxy of kube-proxy.ts).
 * Differences: a pin cannot see its client socket close, so it is forgotten only when the mode changes
 * or after PIN_IDLE_MS without traffic; a new socket that reuses the port of a pinned one inherits the pin.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { DnsDrop, DnsServiceMode } from '../cluster-dns-control';
import { ServiceProxy } from './kube-proxy';

export interface DnsServiceOptions {
  address: string;
  port: number;
  targetPort: number;
  /** DNS pod IPs currently selected by the Service. */
  endpoints: () => string[];
  mode?: DnsServiceMode;
}

interface Session {
  client: RemoteInfo;
  endpoint: string;
  socket: Promise<Socket>;
  lastSeen: number;
}

/** A session's socket towards the pod is closed after this idle time (the endpoint pin, if any, stays). */
const SESSION_IDLE_MS = 10_000;
/** A socket-lb pin without traffic for this long is forgotten. */
const PIN_IDLE_MS = 10 * 60_000;
const MAX_PINS = 10_000;
const MAX_DROPS = 1_000;

function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // already closed
  }
}

function key(client: RemoteInfo): string {
  return `${client.address}:${client.port}`;
}

/** A UDP socket bound to the client's address when it is a local one (it is on loopback), else anywhere. */
function sessionSocket(clientAddress: string): Promise<Socket> {
  const open = (address?: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind({ port: 0, address }, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve(socket);
      });
    });
  return open(clientAddress).catch(() => open());
}

export class DnsService {
  private udp: Socket | undefined;
  private readonly tcp: ServiceProxy;
  private readonly sessions = new Map<string, Session>();
  private readonly pins = new Map<string, { endpoint: string; lastSeen: number }>();
  private readonly dropped: (DnsDrop & { at: number })[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private next = 0;
  mode: DnsServiceMode;

  constructor(private readonly options: DnsServiceOptions) {
    this.mode = options.mode ?? 'kube-proxy';
    this.tcp = new ServiceProxy({
      name: 'kube-dns',
      clusterIp: options.address,
      port: options.port,
      targetPort: options.targetPort,
      endpoints: options.endpoints,
    });
  }

  /** ip:port of the Service (UDP; TCP uses the same port unless it was 0). */
  get address(): string {
    return `${this.options.address}:${this.udp?.address().port ?? this.options.port}`;
  }

  endpoints(): string[] {
    return this.options.endpoints().map((ip) => `${ip}:${this.options.targetPort}`);
  }

  async start(): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (message, client) => this.onQuery(message, client));
    udp.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.options.port, this.options.address, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    await this.tcp.start();
    this.sweeper = setInterval(() => this.sweep(), 1_000);
    this.sweeper.unref();
  }

  /** Re-probes the TCP endpoints (call when the DNS pods changed). */
  refresh(): Promise<void> {
    return this.tcp.refresh();
  }

  setMode(mode: DnsServiceMode): void {
    this.mode = mode;
    this.pins.clear();
    for (const session of this.sessions.values()) void session.socket.then(closeQuietly);
    this.sessions.clear();
  }

  drops(since = 0): DnsDrop[] {
    return this.dropped.filter((d) => d.at >= since).map(({ at: _at, ...drop }) => drop);
  }

  private drop(client: RemoteInfo, endpoint: string, reason: string): void {
    this.dropped.push({ time: new Date().toISOString(), at: Date.now(), client: key(client), endpoint, reason });
    if (this.dropped.length > MAX_DROPS) this.dropped.shift();
  }

  private pick(live: string[]): string {
    return live[this.next++ % live.length];
  }

  /** The DNS pod this datagram goes to, or undefined when it is dropped. */
  private route(client: RemoteInfo): string | undefined {
    const live = this.options.endpoints();
    const now = Date.now();
    if (this.mode === 'socket-lb') {
      const pin = this.pins.get(key(client));
      if (pin) {
        pin.lastSeen = now;
        if (live.includes(pin.endpoint)) return pin.endpoint;
        this.drop(client, `${pin.endpoint}:${this.options.targetPort}`, 'Stale or unroutable IP');
        return undefined;
      }
      if (live.length === 0) return void this.drop(client, '-', 'no endpoints');
      const endpoint = this.pick(live);
      this.pins.set(key(client), { endpoint, lastSeen: now });
      if (this.pins.size > MAX_PINS) {
        const oldest = this.pins.keys().next().value;
        if (oldest !== undefined) this.pins.delete(oldest);
      }
      return endpoint;
    }
    const session = this.sessions.get(key(client));
    if (session && live.includes(session.endpoint)) return session.endpoint;
    if (live.length === 0) return void this.drop(client, '-', 'no endpoints');
    return this.pick(live);
  }

  private onQuery(message: Buffer, client: RemoteInfo): void {
    const endpoint = this.route(client);
    if (!endpoint) return;
    let session = this.sessions.get(key(client));
    if (!session) {
      session = { client, endpoint, socket: sessionSocket(client.address), lastSeen: Date.now() };
      const current = session;
      this.sessions.set(key(client), current);
      void current.socket.then((socket) =>
        socket.on('message', (reply, from) => {
          // Reverse NAT only for the pod the flow is translated to, as conntrack does.
          if (from.address !== current.endpoint || from.port !== this.options.targetPort) return;
          current.lastSeen = Date.now();
          this.udp?.send(reply, current.client.port, current.client.address);
        }),
      );
    }
    session.endpoint = endpoint;
    session.lastSeen = Date.now();
    void session.socket.then((socket) => socket.send(message, this.options.targetPort, endpoint));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (now - session.lastSeen < SESSION_IDLE_MS) continue;
      this.sessions.delete(id);
      void session.socket.then(closeQuietly);
    }
    for (const [id, pin] of this.pins) if (now - pin.lastSeen > PIN_IDLE_MS) this.pins.delete(id);
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => s.socket.then(closeQuietly)));
    this.sessions.clear();
    if (this.udp) closeQuietly(this.udp);
    this.udp = undefined;
    await this.tcp.stop();
  }
}
