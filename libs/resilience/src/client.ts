/**
 * Outbound HTTP GET with the policies a mesh sidecar applies: a timeout per try, retries with
 * jittered exponential backoff, and an optional circuit breaker. Every attempt is its own CLIENT span
 * (attributes `retry.attempt` and `http.request.resend_count`) whose context travels in the request's
 * propagation headers (B3 with the sidecar tracer), so the backend's span hangs under that attempt.
 *
 * Retried: network errors (refused, reset, closed before answering), per-try timeouts, and the
 * statuses in `retryOnStatus` (502, 503, 504). GET is idempotent, so a retry after a reset is safe.
 * The breaker counts every attempt: a network error, a timeout or a 5xx is a failure, any other answer
 * a success.
 */
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { errorCode, recordError } from '@faultline/tracer';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import { backoffDelay } from './backoff';
import { CircuitBreaker } from './breaker';
import { CircuitOpenError, type FailureKind, ResilientCallError } from './errors';
import { type AttemptOutcome, ResilienceMetrics } from './metrics';

export interface ResilientClientOptions {
  /** Name of the backend in metrics, spans and errors, e.g. "retry-backend". */
  target: string;
  /** e.g. http://retry-backend:8080 */
  baseUrl: string;
  /** Attempts per call, the first included: 1 means no retries. */
  maxAttempts: number;
  perTryTimeoutMs: number;
  /** Backoff before the first retry; doubles for each further retry (equal jitter). */
  backoffMs: number;
  /** Longest backoff; 20 × backoffMs by default. */
  backoffMaxMs?: number;
  retryOnStatus?: readonly number[];
  /** No breaker when absent. */
  breaker?: { failureThreshold: number; openMs: number };
  /** Where the metrics go; none when absent. */
  registry?: Registry;
  /** Clock for the breaker (ms). */
  now?: () => number;
  /** Uniform in [0, 1), for the backoff jitter. */
  random?: () => number;
  /** Waits between attempts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ResilientResponse {
  status: number;
  headers: Headers;
  body: string;
  /** Attempts made, the answering one included. */
  attempts: number;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** The caller giving up (its own deadline, its client gone): ends the call without more attempts. */
  signal?: AbortSignal;
}

type AttemptResult =
  | { ok: true; status: number; headers: Headers; body: string }
  | { ok: false; kind: Exclude<FailureKind, 'circuit_open'>; code: string; error: unknown };

const DEFAULT_RETRY_ON: readonly number[] = [502, 503, 504];
const tracer = () => trace.getTracer('@faultline/resilience');

export class ResilientClient {
  readonly breaker?: CircuitBreaker;
  private readonly metrics?: ResilienceMetrics;
  private readonly retryOn: ReadonlySet<number>;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: ResilientClientOptions) {
    if (!(options.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
    this.retryOn = new Set(options.retryOnStatus ?? DEFAULT_RETRY_ON);
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.metrics = options.registry ? new ResilienceMetrics(options.registry) : undefined;
    if (options.breaker) {
      this.breaker = new CircuitBreaker({
        ...options.breaker,
        now: options.now,
        onTransition: (from, to) => this.metrics?.transition(options.target, from, to),
      });
      const breaker = this.breaker;
      this.metrics?.watchBreaker(options.target, () => breaker.state);
    }
  }

  /**
   * GETs `path` (joined to baseUrl). Resolves with the last answer, whatever its status (a 503 after
   * the last retry included); rejects with ResilientCallError when no answer came back (timeouts,
   * network errors) and with CircuitOpenError when the breaker refused the call.
   */
  async get(path: string, call: CallOptions = {}): Promise<ResilientResponse> {
    const { target, maxAttempts } = this.options;
    const url = new URL(path, this.options.baseUrl).toString();
    let last: AttemptResult | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const delay = backoffDelay(attempt - 1, {
          baseMs: this.options.backoffMs,
          maxMs: this.options.backoffMaxMs ?? this.options.backoffMs * 20,
          random: this.options.random,
        });
        await this.sleep(delay, call.signal);
      }
      call.signal?.throwIfAborted();
      const admission = this.breaker?.admit() ?? 'call';
      if (admission === 'reject') {
        this.metrics?.call(target, 'circuit_open');
        throw new CircuitOpenError(target, attempts, this.breaker?.retryAfterMs() ?? 0);
      }
      attempts = attempt;
      try {
        last = await this.attempt(url, attempt, call);
      } catch (error) {
        if (admission === 'probe') this.breaker?.releaseProbe();
        throw error;
      }
      const failed = !last.ok || last.status >= 500;
      if (failed) this.breaker?.recordFailure();
      else this.breaker?.recordSuccess();
      this.metrics?.attempt(target, outcomeOf(last, this.retryOn));
      const retryable = !last.ok || this.retryOn.has(last.status);
      if (!retryable) break;
    }
    if (!last) throw new Error('unreachable: no attempt was made');
    if (!last.ok) {
      this.metrics?.call(target, 'failed');
      const message = `${target}: ${last.code} after ${attempts} attempt(s)`;
      throw new ResilientCallError(last.kind, last.code, message, attempts, undefined, { cause: last.error });
    }
    this.metrics?.call(target, last.status < 500 ? 'success' : 'failed');
    return { status: last.status, headers: last.headers, body: last.body, attempts };
  }

  /** One try, in its own CLIENT span; never throws for a failed try, only when the caller aborted. */
  private attempt(url: string, attempt: number, call: CallOptions): Promise<AttemptResult> {
    const parsed = new URL(url);
    const attributes = {
      'http.request.method': 'GET',
      'url.full': url,
      'server.address': parsed.hostname,
      'server.port': Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)),
      'peer.service': this.options.target,
      'retry.attempt': attempt,
      'http.request.resend_count': attempt - 1,
    };
    return tracer().startActiveSpan('GET', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        const result = await this.send(url, call);
        describeOnSpan(span, result);
        return result;
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async send(url: string, call: CallOptions): Promise<AttemptResult> {
    const headers: Record<string, string> = { ...call.headers };
    propagation.inject(context.active(), headers);
    const timeout = AbortSignal.timeout(this.options.perTryTimeoutMs);
    const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
    // The attempt span is the client span: the fetch instrumentation must not add a second one.
    return context.with(suppressTracing(context.active()), async () => {
      try {
        const response = await fetch(url, { headers, signal });
        const body = await response.text();
        return { ok: true as const, status: response.status, headers: response.headers, body };
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        if (timeout.aborted) {
          return { ok: false as const, kind: 'timeout' as const, code: 'timeout', error: new Error(`no answer within ${this.options.perTryTimeoutMs} ms`) };
        }
        return { ok: false as const, kind: 'network_error' as const, code: errorCode(error), error };
      }
    });
  }
}

function outcomeOf(result: AttemptResult, retryOn: ReadonlySet<number>): AttemptOutcome {
  if (!result.ok) return result.kind;
  if (result.status < 400) return 'success';
  return retryOn.has(result.status) ? 'retryable_status' : 'other_status';
}

function describeOnSpan(span: Span, result: AttemptResult): void {
  if (result.ok) {
    span.setAttribute('http.response.status_code', result.status);
    if (result.status >= 500) {
      span.setAttribute('error.type', String(result.status));
      span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${result.status}` });
    }
    return;
  }
  recordError(span, Object.assign(result.error instanceof Error ? result.error : new Error(String(result.error)), { code: result.code }));
}
