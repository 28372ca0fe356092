/**
 * The lab's trace UI: Maven Central's zipkin-server exec jar (its Lens UI, in-memory storage) on the
 * machine's Java, on 127.N.0.16:9411. The lab's in-process Zipkin receiver stays what the harness queries;
 * every batch it accepts is forwarded here, so a person clicks the same traces the scenarios read.
 *
 * Memory: a small heap (-Xmx96m, serial GC, C1 only) keeps the JVM near 150 MB RSS idle and 165-220 MB
 * after traffic (`npm run bench:lab` prints the lab with and without it). `scripts/dev/install-zipkin.sh` puts the jar in the local Maven repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { httpRequest } from '../../evidence/http';
import { LabProcess } from './lab-process';

export const ZIPKIN_SERVER_VERSION = '3.5.1';
export const TRACE_UI_PORT = 9411;
/** At most this many spans wait for the UI while it starts; older ones are dropped. */
const PENDING_LIMIT = 20_000;

export function traceUiAddress(block: number): string {
  return `127.${block}.0.16`;
}

/** Where `mvn dependency:get` leaves the jar (install-zipkin.sh). */
export function zipkinJarPath(mavenRepository = path.join(homedir(), '.m2', 'repository')): string {
  const name = `zipkin-server-${ZIPKIN_SERVER_VERSION}-exec.jar`;
  return path.join(mavenRepository, 'io', 'zipkin', 'zipkin-server', ZIPKIN_SERVER_VERSION, name);
}

export type TraceUiRuntime = { ok: true; java: string; jar: string } | { ok: false; reason: string };

/** Java and the jar, or the one-line reason the lab runs without its trace UI. */
export function traceUiRuntime(jar = zipkinJarPath()): TraceUiRuntime {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return { ok: false, reason: 'no java on PATH (Debian: apt-get install openjdk-17-jre-headless)' };
  if (!existsSync(jar)) return { ok: false, reason: `no ${path.basename(jar)} in the Maven repository (run: bash scripts/dev/install-zipkin.sh)` };
  return { ok: true, java: 'java', jar };
}

/** The JVM's flags: a small heap, serial GC, C1 only, one Netty arena; MEM_MAX_SPANS keeps the spans in that heap. */
export const TRACE_UI_JVM_FLAGS = [
  '-Xms32m',
  '-Xmx96m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xss512k',
  '-XX:MaxMetaspaceSize=128m',
  '-XX:ReservedCodeCacheSize=32m',
  '-XX:MaxDirectMemorySize=32m',
  '-Dio.netty.allocator.numDirectArenas=1',
  '-Dio.netty.allocator.numHeapArenas=1',
];
/** Spans kept (oldest traces purged first): about 1 kB each, well inside the 96 MB heap. */
const MEM_MAX_SPANS = '50000';

export class TraceUi {
  private process: LabProcess | undefined;
  private pending: ZipkinSpan[] = [];
  private sending: Promise<void> = Promise.resolve();
  /** Spans the UI did not take (it was down, or too many waited while it started). */
  dropped = 0;

  constructor(
    private readonly options: { host: string; port?: number; runtime: Extract<TraceUiRuntime, { ok: true }>; readyTimeoutMs?: number },
  ) {}

  get url(): string {
    return `http://${this.options.host}:${this.options.port ?? TRACE_UI_PORT}`;
  }

  /** The Lens page of one trace. */
  traceUrl(traceId: string): string {
    return `${this.url}/zipkin/traces/${traceId}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  rssBytes(): number {
    return this.process?.rssBytes() ?? 0;
  }

  async start(): Promise<void> {
    const { host, port = TRACE_UI_PORT, runtime } = this.options;
    this.process = await LabProcess.start({
      name: `trace UI (zipkin-server ${ZIPKIN_SERVER_VERSION})`,
      command: runtime.java,
      args: [
        ...TRACE_UI_JVM_FLAGS,
        '-jar',
        runtime.jar,
        `--armeria.ports[0].ip=${host}`,
        `--armeria.ports[0].port=${port}`,
        '--armeria.ports[0].protocols[0]=http',
      ],
      // In-memory storage; no collectors but the HTTP one; no self-tracing.
      env: { STORAGE_TYPE: 'mem', MEM_MAX_SPANS, COLLECTOR_GRPC_ENABLED: 'false', SELF_TRACING_ENABLED: 'false' },
      readyUrl: `${this.url}/health`,
      readyTimeoutMs: this.options.readyTimeoutMs ?? 90_000,
    });
    this.flush();
  }

  /** Takes a batch the lab's receiver accepted; sent at once when the UI runs, else kept until it does. */
  forward(spans: readonly ZipkinSpan[]): void {
    this.pending.push(...spans);
    const excess = this.pending.length - PENDING_LIMIT;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    if (this.process) this.flush();
  }

  /** Resolves once every span forwarded so far was answered by the UI. */
  async idle(): Promise<void> {
    await this.sending;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.sending = this.sending.then(async () => {
      const result = await httpRequest(`${this.url}/api/v2/spans`, { method: 'POST', body: batch, timeoutMs: 5_000 }).catch(() => undefined);
      if (result?.status !== 202) this.dropped += batch.length;
    });
  }

  async stop(): Promise<void> {
    await this.sending;
    await this.process?.stop();
    this.process = undefined;
  }
}
