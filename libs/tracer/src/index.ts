/**
 * The sidecar tracer: what a mesh sidecar gives a service, as a library. Preload `register.ts` (built as
 * `tracing.js`) with `node --require`; app code uses only these helpers and `@opentelemetry/api`.
 */
export { B3Propagation, B3_SAMPLING_DEFERRED, shortenTraceId } from './b3';
export { readTracingConfig, TracingConfigError, type TracingConfig } from './config';
export { createLogger, type Logger, type LoggerOptions, type LogLevel } from './logger';
export {
  activeTracing,
  createPropagator,
  shutdownTracing,
  startTracing,
  UNTRACED_PATHS,
  type TracingHandle,
} from './setup';
export { errorCode, recordError, withSpan } from './spans';
