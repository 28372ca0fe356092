/** The span exporter named by OTEL_TRACES_EXPORTER. Zipkin spans keep 64-bit trace ids 64 bits long. */
import type { SpanContext } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { shortenTraceId } from './b3';
import type { TracingConfig } from './config';

function withShortTraceId(span: ReadableSpan): ReadableSpan {
  const context = span.spanContext();
  const traceId = shortenTraceId(context.traceId);
  if (traceId === context.traceId) return span;
  const shortened: SpanContext = { ...context, traceId };
  return new Proxy(span, {
    get: (target, property, receiver) =>
      property === 'spanContext' ? () => shortened : Reflect.get(target, property, receiver),
  });
}

class Zipkin64Exporter implements SpanExporter {
  constructor(private readonly zipkin: ZipkinExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.zipkin.export(spans.map(withShortTraceId), done);
  }

  shutdown(): Promise<void> {
    return this.zipkin.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.zipkin.forceFlush();
  }
}

export function createExporter(config: TracingConfig): SpanExporter | undefined {
  switch (config.exporter) {
    case 'zipkin':
      return new Zipkin64Exporter(new ZipkinExporter({ url: config.zipkinEndpoint, serviceName: config.serviceName }));
    case 'console':
      return new ConsoleSpanExporter();
    case 'none':
      return undefined;
  }
}
