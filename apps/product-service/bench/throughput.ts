/**
 * Benchmark (not a test): product-service `GET /` with tracing at 100% sampling, spans really exported
 * to a Zipkin-API receiver, metrics and idle fault middleware on, against the same service with
 * OTEL_SDK_DISABLED=true. Both run side by side in this one run, in pairs of back-to-back rounds (the
 * order alternates, so a machine that speeds up or slows down during the run favours neither). Each pair
 * gives a throughput ratio; the median over the pairs is the result, printed with its range, so that a
 * noisy machine shows as a wide range rather than as a wrong number. Also prints each one's throughput,
 * p99, idle RSS and service CPU per request, and the capacity ratio (CPU per request compared).
 * Goals: instrumented >= 0.85x, idle RSS <= 80 MB (each service). Each goal is reported as "goal met" or
 * "goal missed" with the measured figure beside it; a missed goal makes the run exit 1.
 *
 *   npm run bench                       # defaults: 8 pairs of 3 s rounds, 20 connections
 *   BENCH_PAIRS=4 BENCH_SECONDS=5 npm run bench
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { GoalReport, pollUntil } from '@faultline/test-support';

const USAGE = `Usage: npm run bench  (BENCH_PAIRS, BENCH_SECONDS, BENCH_CONNECTIONS change the defaults 8, 3, 20)

Throughput of product-service traced at 100% sampling against untraced, and their idle RSS.
Goals: throughput ratio >= 0.85, idle RSS <= 80 MB. Exits 1 when a goal is missed, 0 when all are met.`;

const PAIRS = Number(process.env.BENCH_PAIRS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

interface Variant {
  label: string;
  env: Record<string, string>;
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
}

function variant(label: string, env: Record<string, string>): Variant {
  return { label, env, requests: [], p99: [], errors: 0, cpuSeconds: 0, served: 0, warmUpRequests: 0 };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function start(variant: Variant): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--require', './dist/apps/product-service/tracing.js', 'dist/apps/product-service/main.js'],
    { env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...variant.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
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

/** The receiver runs in its own process so that parsing spans does not slow the load generator. */
async function startZipkinProcess(): Promise<{ spansEndpoint: string; stop(): Promise<number> }> {
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

async function main(): Promise<void> {
  const zipkin = await startZipkinProcess();
  const traced = variant('instrumented', {
    OTEL_SERVICE_NAME: 'product-service',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
  });
  const bare = variant('OTEL_SDK_DISABLED', { OTEL_SDK_DISABLED: 'true' });
  try {
    await start(traced);
    await start(bare);
    console.log(`product-service GET /: ${PAIRS} pairs of ${SECONDS} s rounds, ${CONNECTIONS} connections each`);
    await warmUp(traced);
    await warmUp(bare);
    const ratios: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      for (const variant of i % 2 ? [bare, traced] : [traced, bare]) await round(variant);
      ratios.push((traced.requests.at(-1) as number) / (bare.requests.at(-1) as number));
      console.log(
        `  pair ${String(i + 1).padStart(2)}: instrumented ${traced.requests.at(-1)?.toFixed(0)} req/s, ` +
          `uninstrumented ${bare.requests.at(-1)?.toFixed(0)} req/s, ratio ${ratios.at(-1)?.toFixed(3)}`,
      );
    }
    const rows = [traced, bare].map((v) => ({
      variant: v.label,
      'req/s': Math.round(mean(v.requests)),
      'p99 ms': Number(mean(v.p99).toFixed(1)),
      'idle RSS MB': Number(v.idleRssMb?.toFixed(1)),
      'CPU µs/req': Math.round((v.cpuSeconds / v.served) * 1e6),
      errors: v.errors,
    }));
    console.table(rows);
    const range = `${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`;
    console.log(`throughput ratio instrumented/uninstrumented: ${median(ratios).toFixed(3)} (median of ${PAIRS} pairs, range ${range})`);
    // On a small machine the load generator and the receiver share the cores with the service; the CPU the
    // service itself spends per request says what its capacity would be with the cores to itself.
    const capacity = bare.cpuSeconds / bare.served / (traced.cpuSeconds / traced.served);
    console.log(`capacity ratio (service CPU per request, uninstrumented/instrumented): ${capacity.toFixed(3)}`);
    console.log(`idle RSS: instrumented ${traced.idleRssMb?.toFixed(1)} MB, uninstrumented ${bare.idleRssMb?.toFixed(1)} MB`);
    traced.child?.kill('SIGTERM'); // flushes its last spans
    await pollUntil(() => traced.child?.exitCode !== null, { what: 'the instrumented service to exit' });
    console.log(`spans received by the Zipkin receiver: ${await zipkin.stop()} for ${traced.served + traced.warmUpRequests} instrumented requests (warm-up included)`);
    const goals = new GoalReport();
    goals.check({ what: 'throughput ratio instrumented/uninstrumented (median)', measured: median(ratios), op: '>=', goal: 0.85, digits: 3 });
    for (const v of [traced, bare]) goals.check({ what: `idle RSS, ${v.label}`, measured: v.idleRssMb ?? Number.NaN, op: '<=', goal: 80, unit: 'MB', digits: 1 });
    goals.finish();
  } finally {
    traced.child?.kill('SIGKILL');
    bare.child?.kill('SIGKILL');
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
