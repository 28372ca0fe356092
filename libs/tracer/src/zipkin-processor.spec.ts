/**
 * The Zipkin span processor against real HTTP receivers on loopback: the lab's Zipkin API (which validates
 * every span) and a receiver whose answers each test controls (slow, failing, down).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { BasicTracerProvider, type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { pollUntil } from '@faultline/test-support';
import { type RunningZipkinReceiver, startZipkinReceiver } from '@faultline/zipkin-receiver';
import { ZipkinSpanProcessor, type ZipkinProcessorOptions } from './zipkin-processor';

/** A receiver that records each batch and answers with `status`, or holds the answer while `hold` is set. */
class ScriptedReceiver {
  batches: { name: string }[][] = [];
  status = 202;
  hold = false;
  private held: (() => void)[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      this.batches.push(JSON.parse(body) as { name: string }[]);
      const answer = () => res.writeHead(this.status).end();
      if (this.hold) this.held.push(answer);
      else answer();
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2/spans`;
  }

  release(): void {
    this.hold = false;
    for (const answer of this.held.splice(0)) answer();
  }

  spanNames(): string[] {
    return this.batches.flat().map((s) => s.name);
  }

  close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function tracerWith(options: Partial<ZipkinProcessorOptions> & { url: string }, sampler?: Sampler) {
  const processor = new ZipkinSpanProcessor({ serviceName: 'catalog', delayMs: 60_000, ...options });
  const provider = new BasicTracerProvider({ spanProcessors: [processor], ...(sampler ? { sampler } : {}) });
  const tracer = provider.getTracer('test');
  const spans = (...names: string[]) => names.forEach((name) => tracer.startSpan(name).end());
  return { processor, provider, spans };
}

describe('ZipkinSpanProcessor', () => {
  const receiver = new ScriptedReceiver();
  let zipkin: RunningZipkinReceiver;
  const diagMessages: string[] = [];

  before(async () => {
    await receiver.start();
    zipkin = await startZipkinReceiver();
    const record = (message: string) => void diagMessages.push(message);
    diag.setLogger({ error: record, warn: record, info: record, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.INFO);
  });

  afterEach(() => {
    receiver.batches = [];
    receiver.status = 202;
    diagMessages.length = 0;
  });

  after(async () => {
    diag.disable();
    await receiver.close();
    await zipkin.close();
  });

  it('sends spans the Zipkin API accepts, with every field it validates', async () => {
    const { processor, spans } = tracerWith({ url: zipkin.spansEndpoint });
    spans('first', 'second');
    await processor.forceFlush();
    assert.deepEqual(zipkin.store.allSpans().map((s) => s.name).sort(), ['first', 'second']);
    assert.equal(zipkin.store.allSpans()[0].localEndpoint?.serviceName, 'catalog');
  });

  it('sends a batch as soon as it is full, and the rest after the delay', async () => {
    const { spans } = tracerWith({ url: receiver.url, maxBatch: 3, delayMs: 100 });
    spans('a', 'b', 'c', 'd');
    await pollUntil(() => receiver.batches.length === 1 || undefined, { what: 'the full batch' });
    assert.deepEqual(receiver.spanNames(), ['a', 'b', 'c']);
    await pollUntil(() => receiver.batches.length === 2 || undefined, { what: 'the batch sent after its delay' });
    assert.deepEqual(receiver.batches[1].map((s) => s.name), ['d']);
  });

  it('sends only sampled spans', async () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'record-only' };
    const { processor, spans } = tracerWith({ url: receiver.url }, recordOnly);
    spans('recorded, not sampled');
    await processor.forceFlush();
    assert.equal(receiver.batches.length, 0);
  });

  it('keeps a span larger than a batch buffer whole', async () => {
    const { processor, spans } = tracerWith({ url: receiver.url });
    const huge = 'x'.repeat(700 * 1024);
    spans('small', huge, 'after');
    await processor.forceFlush();
    assert.deepEqual(receiver.spanNames(), ['small', huge, 'after']);
  });

  it('drops and counts what the receiver refuses, says so once, and says when it works again', async () => {
    const { processor, spans } = tracerWith({ url: receiver.url, maxBatch: 2 });
    receiver.status = 503;
    spans('a', 'b', 'c', 'd', 'e');
    await processor.forceFlush();
    assert.equal(processor.dropped, 5);
    assert.deepEqual(diagMessages, [`Zipkin export to ${receiver.url} failed: the receiver answered 503`]);
    receiver.status = 202;
    spans('f');
    await processor.forceFlush();
    assert.equal(processor.dropped, 5);
    assert.deepEqual(diagMessages.slice(1), [`Zipkin export to ${receiver.url} works again`]);
  });

  it('does not fail the service when no receiver listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/v2/spans`;
    await new Promise((resolve) => closed.close(resolve));
    const { processor, spans } = tracerWith({ url });
    spans('lost');
    await processor.forceFlush();
    assert.equal(processor.dropped, 1);
    assert.match(diagMessages[0], /ECONNREFUSED/);
  });

  it('holds at most maxInFlight unanswered batches and drops spans beyond them', async () => {
    const { processor, spans } = tracerWith({ url: receiver.url, maxBatch: 1, maxInFlight: 2 });
    receiver.hold = true;
    spans('one', 'two', 'three', 'four');
    await pollUntil(() => receiver.batches.length === 2 || undefined, { what: 'two batches in flight' });
    assert.equal(processor.dropped, 2);
    const flushed = processor.forceFlush();
    receiver.release();
    await flushed;
    assert.deepEqual(receiver.spanNames(), ['one', 'two']);
  });

  it('sends what it holds on shutdown and ignores spans after it', async () => {
    const { processor, provider, spans } = tracerWith({ url: receiver.url });
    spans('before');
    await provider.shutdown();
    spans('after');
    await processor.forceFlush();
    assert.deepEqual(receiver.spanNames(), ['before']);
  });
});
