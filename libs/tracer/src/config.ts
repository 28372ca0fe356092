/** Tracing settings, read once from the standard OpenTelemetry environment variables. */
export type PropagatorName = 'b3multi' | 'b3' | 'tracecontext' | 'none';
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';
export type ExporterName = 'zipkin' | 'otlp' | 'console' | 'none';
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
  /** OTLP over HTTP (http/protobuf): the full traces URL and the request headers. */
  readonly otlp: Readonly<{ tracesEndpoint: string; headers: Readonly<Record<string, string>> }>;
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
const EXPORTERS: readonly ExporterName[] = ['zipkin', 'otlp', 'console', 'none'];
/** The one OTLP protocol this tracer speaks. */
const OTLP_PROTOCOLS = ['http/protobuf'] as const;
const DIAG_LEVELS: readonly DiagLevelName[] = ['none', 'error', 'warn', 'info', 'debug'];

export class TracingConfigError extends Error {}

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new TracingConfigError(`${variable}="${value}" is not one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function urlOf(variable: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new TracingConfigError(`${variable}="${value}" is not an http(s) URL`);
}

/** `key1=value1,key2=value2`, keys and values URL-encoded (the W3C baggage format the specification names). */
function headersOf(variable: string, value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    if (!pair.trim()) continue;
    const at = pair.indexOf('=');
    let key = '';
    let text = '';
    try {
      key = at > 0 ? decodeURIComponent(pair.slice(0, at).trim()) : '';
      text = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      key = '';
    }
    if (!key) throw new TracingConfigError(`${variable}: "${pair.trim()}" is not key=value (URL-encoded)`);
    headers[key.toLowerCase()] = text;
  }
  return headers;
}

/**
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the traces URL as it is; OTEL_EXPORTER_OTLP_ENDPOINT is a base that
 * gets /v1/traces; the default is http://localhost:4318/v1/traces. Headers: the generic ones, then the
 * traces-specific ones over them.
 */
function readOtlp(env: NodeJS.ProcessEnv): TracingConfig['otlp'] {
  const protocolVariable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  oneOf(protocolVariable, env[protocolVariable] || 'http/protobuf', OTLP_PROTOCOLS);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT ? urlOf('OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined;
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? urlOf('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    : base
      ? `${base.replace(/\/+$/, '')}/v1/traces`
      : 'http://localhost:4318/v1/traces';
  const headers = {
    ...headersOf('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS),
    ...headersOf('OTEL_EXPORTER_OTLP_TRACES_HEADERS', env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
  };
  return Object.freeze({ tracesEndpoint, headers: Object.freeze(headers) });
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
  const exporter = oneOf('OTEL_TRACES_EXPORTER', env.OTEL_TRACES_EXPORTER || 'zipkin', EXPORTERS);
  return Object.freeze({
    disabled: (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true',
    serviceName: env.OTEL_SERVICE_NAME || 'unknown_service:node',
    serviceVersion: env.SERVICE_VERSION || '0.1.0',
    podName: env.POD_NAME || undefined,
    podNamespace: env.POD_NAMESPACE || undefined,
    exporter,
    zipkinEndpoint: env.OTEL_EXPORTER_ZIPKIN_ENDPOINT || 'http://localhost:9411/api/v2/spans',
    // The OTLP variables are read (and checked) only when OTLP is the exporter.
    otlp: readOtlp(exporter === 'otlp' ? env : {}),
    propagators: Object.freeze(propagators.length ? propagators : (['b3multi'] as PropagatorName[])),
    sampler: oneOf('OTEL_TRACES_SAMPLER', env.OTEL_TRACES_SAMPLER || 'parentbased_always_on', SAMPLERS),
    samplerRatio,
    logLevel: oneOf('OTEL_LOG_LEVEL', (env.OTEL_LOG_LEVEL || 'info').toLowerCase(), DIAG_LEVELS),
  });
}
