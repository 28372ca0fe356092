/**
 * product-service as it runs for real: the command of its `serve` target (the built bundle with the
 * tracing preload), exporting to a Zipkin receiver; then a graceful SIGTERM in the middle of requests.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '@faultline/test-support';
import { type RunningZipkinReceiver, startZipkinReceiver } from '@faultline/zipkin-receiver';

const serve = JSON.parse(readFileSync('apps/product-service/project.json', 'utf8')).targets.serve;

interface Started {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
}

async function startServeTarget(env: Record<string, string>): Promise<Started> {
  const child = spawn('sh', ['-c', `exec ${serve.command}`], {
    env: { ...process.env, ...serve.options.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const url = await pollUntil(() => lines.find((l) => l.msg === 'listening')?.url as string | undefined, {
    timeoutMs: 15_000,
    what: 'product-service to listen',
  });
  return { child, url, lines };
}

describe('product-service serve target', () => {
  let zipkin: RunningZipkinReceiver;
  let svc: Started;

  before(async () => {
    zipkin = await startZipkinReceiver();
    svc = await startServeTarget({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint });
  });
  after(async () => {
    if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    await zipkin.close();
  });

  it('exports spans that continue the caller B3 context, multi-header and single-header', async () => {
    const multi = '0af7651916cd43dd8448eb211c80319c';
    const single = '1af7651916cd43dd8448eb211c80319c';
    await fetch(`${svc.url}/11`, { headers: { 'X-B3-TraceId': multi, 'X-B3-SpanId': 'b7ad6b7169203331', 'X-B3-Sampled': '1' } });
    await fetch(`${svc.url}/`, { headers: { b3: `${single}-c7ad6b7169203331-1` } });
    const server = await zipkin.store.waitFor(
      (s) => s.trace(multi)?.find((span) => span.kind === 'SERVER'),
      10_000,
      'the server span',
    );
    assert.equal(server.parentId, 'b7ad6b7169203331');
    assert.equal(server.localEndpoint?.serviceName, 'product-service');
    assert.equal(server.tags?.['http.route'], '/:id');
    const singleServer = await zipkin.store.waitFor((s) => s.trace(single)?.find((span) => span.kind === 'SERVER'), 10_000, 'single');
    assert.equal(singleServer.parentId, 'c7ad6b7169203331');
    assert.ok(
      svc.lines.some((l) => l.trace_id === multi && l.msg === 'request'),
      'the request log line carries the trace id',
    );
  });

  it('obeys sampled=0', async () => {
    const unsampled = '2af7651916cd43dd8448eb211c80319c';
    const marker = '3af7651916cd43dd8448eb211c80319c';
    await fetch(`${svc.url}/1`, { headers: { 'X-B3-TraceId': unsampled, 'X-B3-SpanId': 'b7ad6b7169203331', 'X-B3-Sampled': '0' } });
    await fetch(`${svc.url}/1`, { headers: { 'X-B3-TraceId': marker, 'X-B3-SpanId': 'b7ad6b7169203331', 'X-B3-Sampled': '1' } });
    await zipkin.store.waitFor((s) => s.trace(marker), 10_000, 'the sampled marker trace');
    assert.equal(zipkin.store.trace(unsampled), undefined);
  });
});

describe('product-service graceful SIGTERM', () => {
  it('fails readiness, finishes every in-flight request, flushes spans and exits 0', async () => {
    const zipkin = await startZipkinReceiver();
    const svc = await startServeTarget({
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
      FAULTS: JSON.stringify({ latency: { ms: 600, route: '/' } }),
      SHUTDOWN_DELAY_MS: '300',
    });
    try {
      const inFlight = Array.from({ length: 20 }, () => fetch(`${svc.url}/`).then((r) => r.status, (e: Error) => e.message));
      await pollUntil(
        async () => /faultline_faults_injected_total\{fault="latency"\} 20/.test(await (await fetch(`${svc.url}/metrics`)).text()),
        { what: 'all 20 requests to be held in flight' },
      );
      svc.child.kill('SIGTERM');
      const readyz = await pollUntil(
        () => fetch(`${svc.url}/readyz`).then((r) => (r.status === 503 ? r.status : undefined), () => undefined),
        { what: 'readyz to fail' },
      );
      assert.equal(readyz, 503);
      assert.deepEqual(await Promise.all(inFlight), Array(20).fill(200));
      await pollUntil(() => svc.child.exitCode !== null, { timeoutMs: 10_000, what: 'exit' });
      assert.equal(svc.child.exitCode, 0);
      const servers = zipkin.store.allSpans().filter((s) => s.kind === 'SERVER' && s.tags?.['http.route'] === '/');
      assert.equal(servers.length, 20, 'every request span was flushed before exit');
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
      await zipkin.close();
    }
  });
});
