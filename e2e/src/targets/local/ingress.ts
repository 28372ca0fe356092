/**
 * The ingress controller of the local target: an HTTP reverse proxy on its own loopback address that
 * serves Ingress pairs the way ingress-nginx does with canary annotations. A request is matched by its
 * Host header; the canary rules (canary-rules.ts) pick the canary Service or the primary one; the request
 * is forwarded to that Service's ClusterIP (the kube-proxy emulator), a new connection each time.
 * Every answer carries `x-canary: true|false`; each request is kept in an access log (the last 10 000).
 * Errors are JSON: 404 no Ingress for the host, 503 no such Service, 502 the upstream refused or reset,
 * 504 no answer within the upstream timeout (ingress-nginx: proxy-read-timeout, 60 s).
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CANARY_HEADER, type CanaryAnnotationChanges, type CanaryIngressSpec, type IngressControl } from '../ingress-control';
import { type CanaryReason, decideCanary, invalidAnnotations } from './canary-rules';
import { localIngressSources } from './local-sources';

export interface LocalIngressOptions {
  /** The controller's own loopback address (read when the first Ingress is applied). */
  address: () => string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Base URL of a Service as the harness reaches it (its ClusterIP:port); throws for an unknown Service. */
  serviceUrl: (service: string) => string;
  /** Uniform in [0, 1) for the weight draw; Math.random by default. */
  random?: () => number;
  upstreamTimeoutMs?: number;
}

export interface IngressAccessRecord {
  at: number;
  host: string;
  method: string;
  path: string;
  /** The Service the request went to (undefined: none, e.g. no Ingress for the host). */
  service?: string;
  canary?: boolean;
  reason?: CanaryReason;
  status: number;
}

/** The controller's address in a lab's block N: 127.N.0.80 (beside the cluster DNS on 127.N.0.10). */
export function ingressAddress(block: number): string {
  return `127.${block}.0.80`;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const ACCESS_LOG_SIZE = 10_000;

function withoutHopByHop(headers: http.IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

export class LocalIngressController implements IngressControl {
  readonly sources = localIngressSources;
  private server: http.Server | undefined;
  private listening: Promise<void> | undefined;
  private readonly ingresses = new Map<string, CanaryIngressSpec>();
  readonly accessLog: IngressAccessRecord[] = [];

  constructor(private readonly options: LocalIngressOptions) {}

  async apply(spec: CanaryIngressSpec): Promise<void> {
    const problem = invalidAnnotations(spec.canary);
    if (problem) throw new Error(`Ingress ${spec.name}-canary: ${problem}`);
    this.ingresses.set(spec.host.toLowerCase(), { ...spec, canary: { ...spec.canary } });
    await this.listen();
  }

  async get(host: string): Promise<CanaryIngressSpec | undefined> {
    const spec = this.ingresses.get(host.toLowerCase());
    return spec && { ...spec, canary: { ...spec.canary } };
  }

  async setCanary(host: string, changes: CanaryAnnotationChanges): Promise<CanaryIngressSpec> {
    const spec = this.ingresses.get(host.toLowerCase());
    if (!spec) throw new Error(`no Ingress for host ${host} (have: ${[...this.ingresses.keys()].join(', ') || 'none'})`);
    const canary = { ...spec.canary, ...changes, weight: changes.weight ?? spec.canary.weight };
    for (const key of Object.keys(canary) as (keyof typeof canary)[]) if (canary[key] === undefined) delete canary[key];
    const problem = invalidAnnotations(canary);
    if (problem) throw new Error(`Ingress ${spec.name}-canary: ${problem}`);
    spec.canary = canary;
    return { ...spec, canary: { ...canary } };
  }

  url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the ingress controller is not running: apply an Ingress first');
    return `http://${address.address}:${address.port}`;
  }

  /** Requests in the access log since `since` (ms epoch), counted by Service. */
  servedBy(since = 0): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.accessLog) if (record.at >= since && record.service) counts[record.service] = (counts[record.service] ?? 0) + 1;
    return counts;
  }

  private listen(): Promise<void> {
    this.listening ??= new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.address(), () => {
        server.off('error', reject);
        this.server = server;
        resolve();
      });
    });
    return this.listening;
  }

  private log(record: Omit<IngressAccessRecord, 'at'>): void {
    this.accessLog.push({ at: Date.now(), ...record });
    if (this.accessLog.length > ACCESS_LOG_SIZE) this.accessLog.splice(0, this.accessLog.length - ACCESS_LOG_SIZE);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const host = hostOf(req);
    const base = { host, method: req.method ?? 'GET', path: req.url ?? '/' };
    const fail = (status: number, error: string, message: string, extra: Partial<IngressAccessRecord> = {}) => {
      if (res.headersSent) return void res.destroy();
      this.log({ ...base, ...extra, status });
      const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (extra.canary !== undefined) headers[CANARY_HEADER] = String(extra.canary);
      res.writeHead(status, headers).end(JSON.stringify({ error, message }));
    };
    const ingress = this.ingresses.get(host);
    if (!ingress) return fail(404, 'not_found', `no Ingress for host "${host}"`);

    const { canary, reason } = decideCanary(ingress.canary, req.headers, this.options.random);
    const service = canary ? ingress.canaryService : ingress.service;
    const routed = { service, canary, reason };
    let upstream: URL;
    try {
      upstream = new URL(this.options.serviceUrl(service));
    } catch (error) {
      return fail(503, 'service_unavailable', `Ingress ${ingress.name}${canary ? '-canary' : ''}: ${(error as Error).message}`, routed);
    }

    const timeoutMs = this.options.upstreamTimeoutMs ?? 60_000;
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const proxied = http.request({
      hostname: upstream.hostname,
      port: upstream.port || 80,
      method: req.method,
      path: req.url,
      headers: {
        ...withoutHopByHop(req.headers),
        'x-forwarded-for': forwardedFor,
        'x-forwarded-host': req.headers.host ?? host,
        'x-forwarded-proto': 'http',
        'x-real-ip': req.socket.remoteAddress ?? '',
      },
      agent: false,
      timeout: timeoutMs,
    });
    proxied.on('response', (answer) => {
      this.log({ ...base, ...routed, status: answer.statusCode ?? 502 });
      res.writeHead(answer.statusCode ?? 502, { ...withoutHopByHop(answer.headers), [CANARY_HEADER]: String(canary) });
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    proxied.on('timeout', () => proxied.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    proxied.on('error', (error: NodeJS.ErrnoException) => {
      const timedOut = error.code === 'ETIMEDOUT';
      fail(timedOut ? 504 : 502, timedOut ? 'gateway_timeout' : 'bad_gateway', `upstream ${service} (${upstream.host}): ${error.code ?? error.message}`, routed);
    });
    res.on('close', () => {
      if (!res.writableFinished) proxied.destroy();
    });
    req.pipe(proxied);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
