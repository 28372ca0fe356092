/** The span processor for OTEL_TRACES_EXPORTER: Zipkin (the default), the console, or none. */
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './config';
import { ZipkinSpanProcessor } from './zipkin-processor';

export function createSpanProcessor(config: TracingConfig): SpanProcessor | undefined {
  switch (config.exporter) {
    case 'zipkin':
      return new ZipkinSpanProcessor({ url: config.zipkinEndpoint, serviceName: config.serviceName });
    case 'console':
      return new BatchSpanProcessor(new ConsoleSpanExporter(), { scheduledDelayMillis: 500 });
    case 'none':
      return undefined;
  }
}
