/**
 * Sends sampled spans to a Zipkin v2 endpoint (`POST /api/v2/spans`), in batches.
 *
 * Why not OpenTelemetry's BatchSpanProcessor with its Zipkin exporter: that pair keeps every span object
 * until its batch is sent and then converts the batch twice (to Zipkin objects, then to one JSON string).
 * Here ended spans are written as JSON into the batch's byte buffer 32 at a time, so a span outlives its
 * request by at most 31 others, the garbage collector never copies waiting spans, and the batch goes out as it
 * is. (Written 32 at a time, a span of product-service took about 8 µs of its request's CPU where written alone
 * it took about 11, in --cpu-prof profiles of `npm run bench`'s load.)
 *
 * A batch goes when it holds `maxBatch` spans or `delayMs` after its first span. At most `maxInFlight`
 * batches wait for the receiver; spans that find them all busy are dropped and counted (`dropped`), so a
 * slow or absent receiver costs memory only up to that bound. forceFlush and shutdown resolve once the
 * receiver answered every batch.
 */
import { type Context, context, diag, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import http from 'node:http';
import https from 'node:https';
import { zipkinJson } from './zipkin-json';

export interface ZipkinProcessorOptions {
  /** The Zipkin spans endpoint, e.g. http://zipkin:9411/api/v2/spans. */
  url: string;
  serviceName: string;
  /** Spans per request to the receiver. */
  maxBatch?: number;
  /** How long a batch waits for more spans. */
  delayMs?: number;
  /** Batches sent and not yet answered, at most. */
  maxInFlight?: number;
  /** Per request to the receiver. */
  timeoutMs?: number;
}

/** Room for a batch of typical spans (under 1 kB each); a bigger batch gets a bigger buffer. */
const BATCH_BYTES = 512 * 1024;

/** Spans ended and not yet written: written together, in a loop the CPU's caches keep warm. */
const WRITE_EVERY = 32;

class Batch {
  bytes = Buffer.allocUnsafe(BATCH_BYTES);
  length = 1;
  private written = 0;
  private readonly ended: ReadableSpan[] = [];

  constructor(private readonly serviceName: string) {
    this.bytes[0] = 0x5b; // [
  }

  get spans(): number {
    return this.written + this.ended.length;
  }

  add(span: ReadableSpan): void {
    this.ended.push(span);
    if (this.ended.length >= WRITE_EVERY) this.write();
  }

  private write(): void {
    for (const span of this.ended) this.append(zipkinJson(span, this.serviceName));
    this.ended.length = 0;
  }

  private append(json: string): void {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8; 2 more for "," and the closing "]".
    const room = this.length + json.length * 3 + 2;
    if (room > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(room, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    if (this.written) this.bytes[this.length++] = 0x2c; // ,
    this.length += this.bytes.write(json, this.length);
    this.written++;
  }

  body(): Buffer {
    this.write();
    this.bytes[this.length] = 0x5d; // ]
    return this.bytes.subarray(0, this.length + 1);
  }
}

export class ZipkinSpanProcessor implements SpanProcessor {
  private readonly url: URL;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private batch: Batch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private failing = false;
  /** Spans not delivered: every batch in flight, or the receiver failed or refused them. */
  dropped = 0;

  constructor(private readonly options: ZipkinProcessorOptions) {
    this.url = new URL(options.url);
    this.maxBatch = options.maxBatch ?? 512;
    this.delayMs = options.delayMs ?? 500;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  onStart(_span: Span, _parentContext: Context): void {
    // Spans are written when they end.
  }

  onEnd(span: ReadableSpan): void {
    if (this.stopped || !(span.spanContext().traceFlags & TraceFlags.SAMPLED)) return;
    if (!this.batch && this.inFlight.size >= this.maxInFlight) {
      this.dropped++;
      return;
    }
    if (!this.batch) {
      this.batch = new Batch(this.options.serviceName);
      // Outside the request: the timer must not keep the request's context (and its spans) alive.
      this.timer = context.with(ROOT_CONTEXT, () => setTimeout(() => this.send(), this.delayMs).unref());
    }
    this.batch.add(span);
    if (this.batch.spans >= this.maxBatch) this.send();
  }

  async forceFlush(): Promise<void> {
    this.send();
    await Promise.all(this.inFlight);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
  }

  private send(): void {
    clearTimeout(this.timer);
    const batch = this.batch;
    this.batch = undefined;
    if (!batch) return;
    // Sending is no part of the request that filled the batch, and the exporter's own requests are not
    // spans of the service.
    context.with(suppressTracing(ROOT_CONTEXT), () => {
      const sent = this.post(batch.body()).then(
        () => this.report(undefined),
        (error: Error) => {
          this.dropped += batch.spans;
          this.report(error);
        },
      );
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    });
  }

  /** The first failure after a success is reported, and the recovery; not every batch. */
  private report(error: Error | undefined): void {
    if (error && !this.failing) diag.warn(`Zipkin export to ${this.url.href} failed: ${error.message}`);
    if (!error && this.failing) diag.info(`Zipkin export to ${this.url.href} works again`);
    this.failing = error !== undefined;
  }

  private post(body: Buffer): Promise<void> {
    const client = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
        timeout: this.timeoutMs,
      });
      request.once('response', (response) => {
        response.resume();
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`the receiver answered ${status}`));
        });
      });
      request.once('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.once('error', reject);
      request.end(body);
    });
  }
}
