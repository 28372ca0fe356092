/**
 * kube-proxy for one Service on the local target: a TCP listener on the Service's ClusterIP:port that
 * forwards each connection to one endpoint (pod IP:targetPort), round-robin over the endpoints.
 *
 * Observable behaviour kept from a cluster: with iptables kube-proxy a connection to a Service whose
 * endpoints do not accept on targetPort (a wrong targetPort, every pod crashed) is refused:
 * the client sees ECONNREFUSED, not a reset. To give the same symptom, the listener is OPEN only while
 * at least one endpoint accepts on targetPort: endpoints are probed with a TCP connect periodically
 * and whenever they change (refresh()); the listener closes when none accepts. Connections are
 * balanced only over endpoints that accepted at the last probe. A targetPort edit closes the connections
 * the Service carried (a freshly applied broken manifest would have none), so keep-alive pools reconnect.
 *
 * Each connection through the Service is logged in trace_tcp's columns (type, src, dst, error) plus the
 * pod address it was translated to (`tcpEvents`). A connection the kernel refuses while the listener is
 * closed never reaches this stand-in: the log shows the moment the Service started refusing instead.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ServiceProxyOptions {
  name: string;
  clusterIp: string;
  port: number;
  targetPort: number;
  /** Pod IPs currently selected by the Service. */
  endpoints: () => string[];
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
}

/** One line of the stand-in's connection log, in trace_tcp's columns plus the translated pod address. */
export interface TcpEvent {
  at: number;
  /** connect / close as trace_tcp names them; refusing / accepting: the Service's listener closed / opened. */
  type: 'connect' | 'close' | 'refusing' | 'accepting';
  /** Client ip:port ('' for the listener's own events). */
  src: string;
  /** The Service address the client connected to, ClusterIP:port. */
  dst: string;
  /** The pod ip:targetPort the connection was translated to ('' when there was none). */
  pod: string;
  /** An errno code (ECONNREFUSED) or ''. */
  error: string;
}

const MAX_EVENTS = 10_000;

/** The events as trace_tcp prints them (`--fields=type,src,dst,error`), with the translated pod address. */
export function formatTcpEvents(events: readonly TcpEvent[], max = 12): string {
  const rows = [['TYPE', 'SRC', 'DST', 'POD', 'ERROR'], ...events.slice(-max).map((e) => [e.type, e.src, e.dst, e.pod, e.error])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join(' ').trimEnd());
  if (events.length > max) lines.splice(1, 0, `... ${events.length - max} earlier`);
  return lines.join('\n');
}

export interface ForwardRecord {
  endpoint: string;
  at: number;
}

function probe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class ServiceProxy {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private accepting: string[] = [];
  private next = 0;
  private refreshing: Promise<void> | undefined;
  private pendingRefresh = false;
  private readonly sockets = new Set<Socket>();
  private closed = false;
  targetPort: number;
  port: number;
  /** Where each forwarded connection went (the last 10 000). */
  readonly forwards: ForwardRecord[] = [];
  /** Connections through the Service and the listener's changes, oldest first (the last 10 000). */
  readonly tcpEvents: TcpEvent[] = [];

  constructor(private readonly options: ServiceProxyOptions) {
    this.targetPort = options.targetPort;
    this.port = options.port;
  }

  get name(): string {
    return this.options.name;
  }

  get clusterIp(): string {
    return this.options.clusterIp;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Endpoints that accepted at the last probe. */
  get readyEndpoints(): readonly string[] {
    return this.accepting;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.probeIntervalMs ?? 250);
    this.timer.unref();
  }

  /** Changes port/targetPort (as `kubectl apply` of an edited Service would) and re-probes. */
  async update(ports: { port?: number; targetPort?: number }): Promise<void> {
    if (ports.targetPort !== undefined && ports.targetPort !== this.targetPort) {
      this.targetPort = ports.targetPort;
      // The edited Service starts clean, as a freshly applied manifest would: connections it carried
      // (a client's keep-alive pool) are closed, so the next request connects anew.
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    }
    if (ports.port !== undefined && ports.port !== this.port) {
      await this.closeListener();
      this.port = ports.port;
    }
    await this.refresh();
  }

  /** Probes the endpoints now and opens or closes the listener to match. Concurrent calls coalesce. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.pendingRefresh = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.pendingRefresh = false;
        const endpoints = this.options.endpoints();
        const timeout = this.options.probeTimeoutMs ?? 500;
        const results = await Promise.all(endpoints.map((ip) => probe(ip, this.targetPort, timeout)));
        this.accepting = endpoints.filter((_, i) => results[i]);
        if (this.closed) return;
        if (this.accepting.length > 0) await this.openListener();
        else await this.closeListener();
      } while (this.pendingRefresh);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private record(event: Omit<TcpEvent, 'at' | 'dst'>): void {
    this.tcpEvents.push({ at: Date.now(), dst: `${this.clusterIp}:${this.port}`, ...event });
    if (this.tcpEvents.length > MAX_EVENTS) this.tcpEvents.shift();
  }

  private openListener(): Promise<void> {
    if (this.server) return Promise.resolve();
    this.record({ type: 'accepting', src: '', pod: this.accepting.map((ip) => `${ip}:${this.targetPort}`).join(','), error: '' });
    const server = createServer((client) => this.forward(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (error) => {
        this.server = undefined;
        reject(new Error(`Service ${this.name}: cannot listen on ${this.clusterIp}:${this.port}: ${error.message}`));
      });
      server.listen(this.port, this.clusterIp, () => resolve());
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    if (!this.closed) this.record({ type: 'refusing', src: '', pod: `no endpoint accepts on ${this.targetPort}`, error: 'ECONNREFUSED' });
    // The listening socket closes now: new connections are refused. Established ones stay, as conntrack
    // keeps them; close()'s callback would wait for them, so it is not awaited.
    server.close();
    return Promise.resolve();
  }

  private forward(client: Socket): void {
    const endpoints = this.accepting;
    if (endpoints.length === 0) {
      client.destroy();
      return;
    }
    const endpoint = endpoints[this.next++ % endpoints.length];
    this.forwards.push({ endpoint, at: Date.now() });
    if (this.forwards.length > 10_000) this.forwards.shift();
    const pod = `${endpoint}:${this.targetPort}`;
    const src = `${client.remoteAddress}:${client.remotePort}`;
    const upstream = connect({ host: endpoint, port: this.targetPort });
    this.sockets.add(client);
    this.sockets.add(upstream);
    let connected = false;
    let done = false;
    upstream.once('connect', () => {
      connected = true;
      this.record({ type: 'connect', src, pod, error: '' });
    });
    const closeBoth = () => {
      if (!done && connected) this.record({ type: 'close', src, pod, error: '' });
      done = true;
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', closeBoth);
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && !done) this.record({ type: 'connect', src, pod, error: error.code ?? error.message });
      done = true;
      // The endpoint went away between probe and connect: reset the client, re-probe.
      client.resetAndDestroy();
      closeBoth();
      void this.refresh();
    });
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const socket of this.sockets) socket.destroy();
    await this.refreshing?.catch(() => undefined);
    await this.closeListener();
  }
}
