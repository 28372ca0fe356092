/**
 * Name resolution as nginx's `resolver` directive does it: ONE long-lived UDP socket, connect()ed to
 * the name server once, for every query of the process's life (until a reload re-creates it). Answers
 * are kept for `validMs` (nginx's `valid=`, which overrides the TTL); concurrent lookups of one name
 * share one query; A records only (`ipv6=off`); no search list (names are used as written).
 * A query without a reply within `timeoutMs` fails with "could not be resolved (110: Operation timed
 * out)", as nginx logs it. Wire format through dns-packet.
 */
import { createSocket, type Socket } from 'node:dgram';
import * as packet from 'dns-packet';

export interface NameServerAddress {
  host: string;
  port: number;
}

export interface ResolverOptions {
  nameserver: NameServerAddress;
  /** Local address the socket binds to (the pod's address); any when omitted. */
  bindAddress?: string;
  timeoutMs: number;
  /** How long an answer is used before asking again (0: never cached). */
  validMs: number;
}

export type ResolveFailure = 'dns_timeout' | 'dns_nxdomain' | 'dns_servfail' | 'dns_refused' | 'dns_no_address' | 'dns_error';

/** Error codes and nginx's wording for each failure. */
const FAILURES: Record<ResolveFailure, { code: string; nginx: string }> = {
  dns_timeout: { code: 'ETIMEDOUT', nginx: '110: Operation timed out' },
  dns_nxdomain: { code: 'ENOTFOUND', nginx: '3: Host not found' },
  dns_servfail: { code: 'EAI_AGAIN', nginx: '2: Server failure' },
  dns_refused: { code: 'ECONNREFUSED', nginx: '5: Operation refused' },
  dns_no_address: { code: 'ENODATA', nginx: '4: No address' },
  dns_error: { code: 'EDNS', nginx: '1: Format error' },
};

export class ResolveError extends Error {
  override readonly name = 'ResolveError';
  readonly code: string;

  constructor(
    readonly hostname: string,
    readonly reason: ResolveFailure,
    readonly nameserver: string,
    readonly socket: string,
  ) {
    super(`${hostname} could not be resolved (${FAILURES[reason].nginx}) by ${nameserver} from ${socket}`);
    this.code = FAILURES[reason].code;
  }
}

interface Pending {
  name: string;
  resolve: (addresses: string[]) => void;
  reject: (error: ResolveError) => void;
  timer: NodeJS.Timeout;
}

export interface ResolverStats {
  nameserver: string;
  socket: string;
  openedAt: string;
  queries: number;
  answers: number;
  failures: Record<string, number>;
}

function rcodeReason(rcode: string | undefined): ResolveFailure | undefined {
  switch (rcode) {
    case undefined:
    case 'NOERROR':
      return undefined;
    case 'NXDOMAIN':
      return 'dns_nxdomain';
    case 'SERVFAIL':
      return 'dns_servfail';
    case 'REFUSED':
      return 'dns_refused';
    default:
      return 'dns_error';
  }
}

export class NginxResolver {
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Map<string, Promise<string[]>>();
  private readonly cache = new Map<string, { addresses: string[]; expires: number }>();
  private readonly openedAt = new Date().toISOString();
  private readonly counts = { queries: 0, answers: 0, failures: {} as Record<string, number> };
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: ResolverOptions,
  ) {
    socket.on('message', (message) => this.onReply(message));
    // ICMP errors reported on a connected socket (port unreachable) are not fatal: the query times out.
    socket.on('error', () => undefined);
  }

  /** Binds and connect()s the socket: from now on it talks only to this name server. */
  static open(options: ResolverOptions): Promise<NginxResolver> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', (error) => {
        socket.close();
        reject(error);
      });
      socket.bind({ port: 0, address: options.bindAddress }, () => {
        socket.connect(options.nameserver.port, options.nameserver.host, () => {
          socket.removeAllListeners('error');
          resolve(new NginxResolver(socket, options));
        });
      });
    });
  }

  get nameserver(): string {
    return `${this.options.nameserver.host}:${this.options.nameserver.port}`;
  }

  /** The socket's own address, ip:port, as the name server sees it. */
  get local(): string {
    const { address, port } = this.socket.address();
    return `${address}:${port}`;
  }

  stats(): ResolverStats {
    return { nameserver: this.nameserver, socket: this.closed ? '(closed)' : this.local, openedAt: this.openedAt, ...this.counts, failures: { ...this.counts.failures } };
  }

  /** IPv4 addresses of `hostname` (used as written: no search list). */
  resolve(hostname: string): Promise<string[]> {
    const name = hostname.replace(/\.$/, '').toLowerCase();
    const cached = this.cache.get(name);
    if (cached && cached.expires > Date.now()) return Promise.resolve(cached.addresses);
    const running = this.inFlight.get(name);
    if (running) return running;
    const query = this.query(name).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, query);
    return query;
  }

  private newId(): number {
    for (;;) {
      const id = Math.floor(Math.random() * 65_536);
      if (!this.pending.has(id)) return id;
    }
  }

  private query(name: string): Promise<string[]> {
    if (this.closed) return Promise.reject(new ResolveError(name, 'dns_error', this.nameserver, '(closed)'));
    const id = this.newId();
    const local = this.local;
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.failure(name, 'dns_timeout', local));
      }, this.options.timeoutMs);
      this.pending.set(id, { name, resolve, reject, timer });
      this.counts.queries += 1;
      const message = packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
      this.socket.send(message);
    }).then((addresses) => {
      if (this.options.validMs > 0) this.cache.set(name, { addresses, expires: Date.now() + this.options.validMs });
      return addresses;
    });
  }

  private failure(name: string, reason: ResolveFailure, local: string): ResolveError {
    this.counts.failures[reason] = (this.counts.failures[reason] ?? 0) + 1;
    return new ResolveError(name, reason, this.nameserver, local);
  }

  private onReply(message: Buffer): void {
    let reply: packet.DecodedPacket & { rcode?: string };
    try {
      reply = packet.decode(message) as packet.DecodedPacket & { rcode?: string };
    } catch {
      return; // not a DNS message: ignored, as nginx does
    }
    const id = reply.id;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || !pending || reply.type !== 'response' || reply.questions?.[0]?.name.toLowerCase() !== pending.name) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const local = this.local;
    const failed = rcodeReason(reply.rcode);
    if (failed) return pending.reject(this.failure(pending.name, failed, local));
    const addresses = (reply.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
    if (addresses.length === 0) return pending.reject(this.failure(pending.name, 'dns_no_address', local));
    this.counts.answers += 1;
    pending.resolve(addresses);
  }

  /** Closes the socket; queries still waiting fail as timeouts would. */
  close(): void {
    if (this.closed) return;
    const local = this.local;
    this.closed = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ResolveError(pending.name, 'dns_timeout', this.nameserver, local));
      this.pending.delete(id);
    }
    this.socket.close();
  }
}
