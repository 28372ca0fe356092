/**
 * OTEL_TRACES_EXPORTER=otlp: spans in batches to an OTLP/HTTP receiver (http/protobuf), with OpenTelemetry's
 * own exporter and BatchSpanProcessor: a collector, Jaeger or Tempo takes them at /v1/traces.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './config';

export function createOtlpProcessor(otlp: TracingConfig['otlp'], options: { delayMs?: number } = {}): SpanProcessor {
  const exporter = new OTLPTraceExporter({ url: otlp.tracesEndpoint, headers: { ...otlp.headers } });
  return new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.delayMs ?? 500 });
}
