/**
 * Benchmark (not a test): product-service `GET /` four ways, side by side in this one run:
 * - traced by faultline's tracer at 100% sampling, spans really exported to a Zipkin-API receiver;
 * - untraced (OTEL_SDK_DISABLED=true);
 * - traced by OpenTelemetry's standard setup as its docs give it for Node, the NodeSDK with every
 *   auto-instrumentation (`--require @opentelemetry/auto-instrumentations-node/register`), at 100% to a receiver
 *   of its own: "standard";
 * - the same with only its HTTP instrumentation, one span per request as faultline's: "standard, http only".
 * Metrics and idle fault middleware are on in all four. The rounds go in sets of one round each, back to back,
 * the order rotating from set to set, so that a machine that speeds up or slows down during the run favours
 * none. Each set gives faultline's throughput ratio against each of the other three; the median over the sets is
 * the result, printed with its range, so that a noisy machine shows as a wide range rather than as a wrong
 * number. Also prints each one's throughput, p99, idle RSS, service CPU per request and spans per request, and
 * the capacity ratios (CPU per request compared).
 * Goals: faultline/untraced >= 0.85x, faultline/standard >= 1.5x, idle RSS <= 80 MB (faultline's and untraced).
 * Each goal is reported as "goal met" or "goal missed" with the measured figure beside it; a missed goal makes
 * the run exit 1.
 *
 *   npm run bench                       # defaults: 8 sets of 3 s rounds, 20 connections
 *   BENCH_SETS=4 BENCH_SECONDS=5 npm run bench
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { GoalReport, pollUntil } from '@faultline/test-support';

const USAGE = `Usage: npm run bench  (BENCH_SETS, BENCH_SECONDS, BENCH_CONNECTIONS change the defaults 8, 3, 20)

Throughput of product-service traced by faultline's tracer at 100% sampling against the same service untraced
and traced by OpenTelemetry's standard NodeSDK with its auto-instrumentations, and their idle RSS.
(all at 100% sampling; "standard, http only" beside them, without a goal). Goals: faultline/untraced >= 0.85,
faultline/standard >= 1.5, idle RSS <= 80 MB. Exits 1 when a goal is missed, 0 when all are met.`;

const SETS = Number(process.env.BENCH_SETS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

interface Variant {
  label: string;
  /** What node runs: its preload, if any, and the service. */
  args: string[];
  env: Record<string, string>;
  zipkin?: ZipkinProcess;
  child?: ChildProcess;
  url?: string;
  idleRssMb?: number;
  requests: number[];
  p99: number[];
  errors: number;
  /** CPU the service process used during the rounds, and the requests it served then. */
  cpuSeconds: number;
  served: number;
  /** Requests of the warm-up round (served, not measured). */
  warmUpRequests: number;
  /** Spans its receiver got, once it stopped. */
  spans?: number;
}

const SERVICE = 'dist/apps/product-service/main.js';

function variant(label: string, args: string[], env: Record<string, string>, zipkin?: ZipkinProcess): Variant {
  return { label, args, env, zipkin, requests: [], p99: [], errors: 0, cpuSeconds: 0, served: 0, warmUpRequests: 0 };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function start(variant: Variant): Promise<void> {
  const child = spawn(process.execPath, variant.args, {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...variant.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  variant.child = child;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // LOG_LEVEL=warn hides the "listening" line, so find the port from /proc.
  variant.url = await pollUntil(() => listeningUrl(child.pid as number), { timeoutMs: 15_000, what: `${variant.label} to listen` });
  await pollUntil(() => fetch(`${variant.url}/readyz`).then((r) => r.ok, () => false), { what: `${variant.label} ready` });
  variant.idleRssMb = rssMb(child.pid as number);
  void output;
}

function listeningUrl(pid: number): string | undefined {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match) inodes.add(match[1]);
    }
  } catch {
    return undefined;
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === '0A' && inodes.has(cols[9])) return `http://127.0.0.1:${parseInt(cols[1].split(':')[1], 16)}`;
  }
  return undefined;
}

/** CPU seconds the process has used (user + system), from /proc (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function round(variant: Variant): Promise<void> {
  const pid = variant.child?.pid as number;
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({ url: `${variant.url}/`, connections: CONNECTIONS, duration: SECONDS });
  variant.cpuSeconds += cpuSeconds(pid) - cpuBefore;
  variant.served += result.requests.total;
  variant.requests.push(result.requests.average);
  variant.p99.push(result.latency.p99);
  variant.errors += result.errors + result.non2xx;
}

/** Unmeasured load, so that neither variant's first round pays for the JIT compiling its request path. */
async function warmUp(variant: Variant): Promise<void> {
  const result = await autocannon({ url: `${variant.url}/`, connections: CONNECTIONS, duration: 2 });
  variant.warmUpRequests = result.requests.total;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface ZipkinProcess {
  spansEndpoint: string;
  /** Stops the receiver; resolves to the spans it received. */
  stop(): Promise<number>;
}

/** The receiver runs in its own process so that parsing spans does not slow the load generator. */
async function startZipkinProcess(): Promise<ZipkinProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/product-service/bench/zipkin-process.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: Record<string, unknown>[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) messages.push(JSON.parse(line));
  });
  const spansEndpoint = await pollUntil(() => messages.find((m) => m.spansEndpoint)?.spansEndpoint as string | undefined, {
    timeoutMs: 15_000,
    what: 'the Zipkin receiver',
  });
  return {
    spansEndpoint,
    stop: async () => {
      child.kill('SIGTERM');
      return pollUntil(() => messages.find((m) => m.spans !== undefined)?.spans as number | undefined, { what: 'the span count' });
    },
  };
}

const ratioLine = (what: string, ratios: number[]) =>
  `${what}: ${median(ratios).toFixed(3)} (median of ${ratios.length} sets, range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`;

/** The service CPU per request of `of` against that of `against`: the capacity ratio with the cores to itself. */
const capacity = (of: Variant, against: Variant) => of.cpuSeconds / of.served / (against.cpuSeconds / against.served);

/**
 * OpenTelemetry's zero-code setup for Node, configured by its environment variables alone. Its resource
 * detectors are those that read the machine: the cloud ones would ask metadata servers off this machine.
 */
function standardSetup(label: string, zipkin: ZipkinProcess, env: Record<string, string> = {}): Variant {
  return variant(label, ['--require', '@opentelemetry/auto-instrumentations-node/register', SERVICE], {
    OTEL_SDK_DISABLED: 'false',
    OTEL_SERVICE_NAME: 'product-service',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
    OTEL_PROPAGATORS: 'b3multi',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    ...env,
  }, zipkin);
}

async function main(): Promise<void> {
  const zipkins = [await startZipkinProcess(), await startZipkinProcess(), await startZipkinProcess()];
  const traced = variant('faultline', ['--require', './dist/apps/product-service/tracing.js', SERVICE], {
    OTEL_SERVICE_NAME: 'product-service',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkins[0].spansEndpoint,
  }, zipkins[0]);
  const bare = variant('untraced', [SERVICE], { OTEL_SDK_DISABLED: 'true' });
  // Every auto-instrumentation, as the docs give it: Express's middleware and router get spans of their own.
  const standard = standardSetup('standard', zipkins[1]);
  // Only incoming and outgoing HTTP: one span per request, as faultline makes it, so only the machinery differs.
  const standardHttp = standardSetup('standard, http only', zipkins[2], { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' });
  const variants = [traced, bare, standard, standardHttp];
  const others = variants.slice(1);
  try {
    for (const v of variants) await start(v);
    console.log(`product-service GET /: ${SETS} sets of ${variants.length} rounds of ${SECONDS} s, ${CONNECTIONS} connections each`);
    for (const v of variants) await warmUp(v);
    const ratios = new Map(others.map((v) => [v, [] as number[]]));
    const last = (v: Variant) => v.requests.at(-1) as number;
    for (let i = 0; i < SETS; i++) {
      for (let k = 0; k < variants.length; k++) await round(variants[(i + k) % variants.length]);
      for (const v of others) ratios.get(v)?.push(last(traced) / last(v));
      console.log(
        `  set ${String(i + 1).padStart(2)}: ${variants.map((v) => `${v.label} ${last(v).toFixed(0)}`).join(', ')} req/s`,
      );
    }
    for (const v of [traced, standard, standardHttp]) {
      v.child?.kill('SIGTERM'); // flushes its last spans
      await pollUntil(() => v.child?.exitCode !== null, { what: `${v.label} to exit` });
      v.spans = await (v.zipkin as ZipkinProcess).stop();
    }
    console.table(
      variants.map((v) => ({
        variant: v.label,
        'req/s': Math.round(mean(v.requests)),
        'p99 ms': Number(mean(v.p99).toFixed(1)),
        'idle RSS MB': Number(v.idleRssMb?.toFixed(1)),
        'CPU µs/req': Math.round((v.cpuSeconds / v.served) * 1e6),
        // Warm-up requests included: the receiver cannot tell them apart.
        'spans/req': v.spans === undefined ? '-' : Number((v.spans / (v.served + v.warmUpRequests)).toFixed(2)),
        errors: v.errors,
      })),
    );
    for (const v of others) console.log(ratioLine(`throughput ratio faultline/${v.label}`, ratios.get(v) ?? []));
    // On a small machine the load generator and the receivers share the cores with the service; the CPU the
    // service itself spends per request says what its capacity would be with the cores to itself.
    for (const v of others) console.log(`capacity ratio (service CPU per request, ${v.label}/faultline): ${capacity(v, traced).toFixed(3)}`);
    const goals = new GoalReport();
    const ratio = (v: Variant) => median(ratios.get(v) ?? []);
    goals.check({ what: 'throughput ratio faultline/untraced (median)', measured: ratio(bare), op: '>=', goal: 0.85, digits: 3 });
    goals.check({ what: 'throughput ratio faultline/standard (median)', measured: ratio(standard), op: '>=', goal: 1.5, digits: 3 });
    for (const v of [traced, bare]) goals.check({ what: `idle RSS, ${v.label}`, measured: v.idleRssMb ?? Number.NaN, op: '<=', goal: 80, unit: 'MB', digits: 1 });
    goals.finish();
  } finally {
    for (const v of variants) v.child?.kill('SIGKILL');
    await Promise.all(zipkins.map((z) => z.stop().catch(() => 0)));
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
} else {
  main().catch((error: unknown) => {
    console.error(`bench: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
