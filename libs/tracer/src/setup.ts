/**
 * Starts the sidecar tracer: provider, sampler, propagators, exporter, SERVER spans for incoming requests
 * (server-spans.ts) and the outgoing http / fetch / amqplib instrumentations. It must run before the app
 * imports amqplib (see register.ts).
 */
import { context, diag, DiagLogLevel, propagation, type TextMapPropagator, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { hostname } from 'node:os';
import { B3Propagation } from './b3';
import { AnchoredClock, AnchoredStartProcessor } from './clock';
import type { DiagLevelName, PropagatorName, TracingConfig } from './config';
import { PooledIdGenerator } from './id-generator';
import { createSpanProcessor } from './span-processor';
import { createLogger, diagLogger } from './logger';
import { describeDelivery, describePublish, hostOfOrigin, httpPeerAttributes } from './peer';
import { createSampler } from './sampler';
import { traceIncomingRequests } from './server-spans';
import { spanLimitsFromEnv } from './span-limits';

/** Paths that never get a server span: probes and the metrics scrape. */
export const UNTRACED_PATHS: readonly string[] = ['/healthz', '/readyz', '/health', '/metrics'];

export interface TracingHandle {
  readonly config: TracingConfig;
  /** Exports what is buffered; resolves when the exporter answered. */
  flush(): Promise<void>;
  /** Flushes and stops; later spans are dropped. */
  shutdown(): Promise<void>;
}

const HANDLE = Symbol.for('faultline.tracing');

const DIAG_LEVEL: Record<Exclude<DiagLevelName, 'none'>, DiagLogLevel> = {
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
};
type GlobalWithHandle = typeof globalThis & { [HANDLE]?: TracingHandle };

export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators = names.flatMap((name): TextMapPropagator[] => {
    switch (name) {
      case 'b3multi':
        return [new B3Propagation('multi')];
      case 'b3':
        return [new B3Propagation('single')];
      case 'tracecontext':
        return [new W3CTraceContextPropagator()];
      case 'none':
        return [];
    }
  });
  return new CompositePropagator({ propagators });
}

/** Every header the propagators named read a caller's context from (B3's reads both of its forms). */
export function extractedHeaders(names: readonly PropagatorName[]): string[] {
  const headers = names.flatMap((name): string[] => {
    switch (name) {
      case 'b3multi':
      case 'b3':
        return ['b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags', 'x-b3-parentspanid'];
      case 'tracecontext':
        return ['traceparent', 'tracestate'];
      case 'none':
        return [];
    }
  });
  return [...new Set(headers)];
}

const untracedPaths = new Set(UNTRACED_PATHS);

function isUntraced(url: string | undefined): boolean {
  if (!url) return false;
  const queryAt = url.indexOf('?');
  return untracedPaths.has(queryAt < 0 ? url : url.slice(0, queryAt));
}

export function startTracing(config: TracingConfig): TracingHandle {
  const existing = (globalThis as GlobalWithHandle)[HANDLE];
  if (existing) return existing;
  if (config.disabled) {
    const noop: TracingHandle = { config, flush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
    (globalThis as GlobalWithHandle)[HANDLE] = noop;
    return noop;
  }
  if (config.logLevel !== 'none') {
    const log = createLogger({ service: config.serviceName, level: config.logLevel });
    diag.setLogger(diagLogger(log), DIAG_LEVEL[config.logLevel]);
  }
  const clock = new AnchoredClock();
  const exporting = createSpanProcessor(config);
  // What the provider's spans and the request spans (server-span.ts) share.
  const shared = {
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: config.serviceVersion,
      'service.instance.id': config.podName ?? `${hostname()}-${process.pid}`,
      ...(config.podName ? { 'k8s.pod.name': config.podName } : {}),
      ...(config.podNamespace ? { 'k8s.namespace.name': config.podNamespace } : {}),
    }),
    sampler: createSampler(config.sampler, config.samplerRatio),
    idGenerator: new PooledIdGenerator(),
  };
  const limits = spanLimitsFromEnv();
  const provider = new NodeTracerProvider({
    ...shared,
    spanLimits: limits,
    // First: every later processor sees the span on the anchored monotonic clock (clock.ts).
    spanProcessors: [new AnchoredStartProcessor(clock), exporting].filter((p) => p !== undefined),
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(createPropagator(config.propagators));
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing calls only: incoming requests get their SERVER span from server-spans.ts. Each names its
      // peer (peer.ts), so that Zipkin's dependency graph can draw what it called.
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: true,
        startOutgoingSpanHook: (request) => httpPeerAttributes(request.hostname ?? request.host ?? undefined),
      }),
      new UndiciInstrumentation({ startSpanHook: (request) => httpPeerAttributes(hostOfOrigin(request.origin)) }),
      new AmqplibInstrumentation({
        publishHook: (span, info) => describePublish(span, info.exchange, info.routingKey),
        consumeHook: (span, info) => describeDelivery(span, info.msg.fields.exchange, info.msg.fields.routingKey),
      }),
    ],
  });
  // Request spans take their times from the clock themselves: they skip the AnchoredStartProcessor.
  const untraceIncoming = traceIncomingRequests(
    isUntraced,
    { ...shared, limits, clock, processors: exporting ? [exporting] : [] },
    extractedHeaders(config.propagators),
  );
  let stopped: Promise<void> | undefined;
  const handle: TracingHandle = {
    config,
    flush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= provider.shutdown().finally(() => {
        unregister();
        untraceIncoming();
        diag.disable();
      });
      return stopped;
    },
  };
  (globalThis as GlobalWithHandle)[HANDLE] = handle;
  return handle;
}

/** The tracer started in this process (by the preload), if any. */
export function activeTracing(): TracingHandle | undefined {
  return (globalThis as GlobalWithHandle)[HANDLE];
}

/** Flushes and stops the tracer started in this process; a no-op when none was started. */
export async function shutdownTracing(): Promise<void> {
  await activeTracing()?.shutdown();
}
