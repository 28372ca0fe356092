/** Tracing settings, read once from the standard OpenTelemetry environment variables. */
export type PropagatorName = 'b3multi' | 'b3' | 'tracecontext' | 'none';
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';
export type ExporterName = 'zipkin' | 'console' | 'none';
/** OTEL_LOG_LEVEL: how much of the SDK's own messages (export failures, say) reach the log. */
export type DiagLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug';

export interface TracingConfig {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly podName?: string;
  readonly podNamespace?: string;
  readonly exporter: ExporterName;
  readonly zipkinEndpoint: string;
  readonly propagators: readonly PropagatorName[];
  readonly sampler: SamplerName;
  readonly samplerRatio: number;
  readonly logLevel: DiagLevelName;
}

const PROPAGATORS: readonly PropagatorName[] = ['b3multi', 'b3', 'tracecontext', 'none'];
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const EXPORTERS: readonly ExporterName[] = ['zipkin', 'console', 'none'];
const DIAG_LEVELS: readonly DiagLevelName[] = ['none', 'error', 'warn', 'info', 'debug'];

export class TracingConfigError extends Error {}

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new TracingConfigError(`${variable}="${value}" is not one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

export function readTracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const propagators = (env.OTEL_PROPAGATORS ?? 'b3multi')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => oneOf('OTEL_PROPAGATORS', p, PROPAGATORS));
  const ratioText = env.OTEL_TRACES_SAMPLER_ARG ?? '1';
  const samplerRatio = Number(ratioText);
  if (!Number.isFinite(samplerRatio) || samplerRatio < 0 || samplerRatio > 1) {
    throw new TracingConfigError(`OTEL_TRACES_SAMPLER_ARG="${ratioText}" must be a number from 0 to 1`);
  }
  return Object.freeze({
    disabled: (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true',
    serviceName: env.OTEL_SERVICE_NAME || 'unknown_service:node',
    serviceVersion: env.SERVICE_VERSION || '0.1.0',
    podName: env.POD_NAME || undefined,
    podNamespace: env.POD_NAMESPACE || undefined,
    exporter: oneOf('OTEL_TRACES_EXPORTER', env.OTEL_TRACES_EXPORTER || 'zipkin', EXPORTERS),
    zipkinEndpoint: env.OTEL_EXPORTER_ZIPKIN_ENDPOINT || 'http://localhost:9411/api/v2/spans',
    propagators: Object.freeze(propagators.length ? propagators : (['b3multi'] as PropagatorName[])),
    sampler: oneOf('OTEL_TRACES_SAMPLER', env.OTEL_TRACES_SAMPLER || 'parentbased_always_on', SAMPLERS),
    samplerRatio,
    logLevel: oneOf('OTEL_LOG_LEVEL', (env.OTEL_LOG_LEVEL || 'info').toLowerCase(), DIAG_LEVELS),
  });
}
