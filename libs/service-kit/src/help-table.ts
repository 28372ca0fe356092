/**
 * The `--help` text of a service: its settings, then the standard OpenTelemetry variables the tracer
 * reads, in one table whose columns are as wide as their content. A type too long for its column (a
 * long list of accepted values) keeps its own line and the help continues, aligned, on the next.
 */
import type { ConfigSpec } from './config';

export interface HelpRow {
  readonly env: string;
  readonly type: string;
  readonly help: string;
}

/** What the tracer (`@faultline/tracer`, preloaded by `--require tracing.js`) reads, with its defaults. */
export const TRACING_HELP: readonly HelpRow[] = [
  { env: 'OTEL_SERVICE_NAME', type: 'string', help: 'service name on every span (the serve targets set it)' },
  { env: 'OTEL_TRACES_EXPORTER', type: 'zipkin|otlp|console|none', help: 'where spans go (default "zipkin")' },
  {
    env: 'OTEL_EXPORTER_ZIPKIN_ENDPOINT',
    type: 'url',
    help: 'Zipkin span endpoint (default "http://localhost:9411/api/v2/spans")',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    type: 'url',
    help: 'OTLP base URL, /v1/traces is added (default "http://localhost:4318")',
  },
  { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', type: 'url', help: 'OTLP traces URL as it is; overrides the base URL' },
  { env: 'OTEL_EXPORTER_OTLP_HEADERS', type: 'key=value,...', help: 'OTLP request headers, URL-encoded (also _TRACES_HEADERS)' },
  { env: 'OTEL_EXPORTER_OTLP_PROTOCOL', type: 'http/protobuf', help: 'the one OTLP protocol spoken (also _TRACES_PROTOCOL)' },
  { env: 'OTEL_PROPAGATORS', type: 'b3multi,b3,tracecontext,none', help: 'context headers read and sent, comma-separated (default "b3multi")' },
  {
    env: 'OTEL_TRACES_SAMPLER',
    type: 'always_on|always_off|traceidratio|parentbased_always_on|parentbased_always_off|parentbased_traceidratio',
    help: 'which traces are recorded (default "parentbased_always_on")',
  },
  { env: 'OTEL_TRACES_SAMPLER_ARG', type: 'number', help: 'ratio 0..1 for the *traceidratio samplers (default "1")' },
  { env: 'OTEL_LOG_LEVEL', type: 'none|error|warn|info|debug', help: "the SDK's own messages in the log (default \"info\")" },
  { env: 'OTEL_SDK_DISABLED', type: 'boolean', help: 'true turns tracing off (default "false")' },
];

/** A type longer than this gets a line of its own instead of widening the column for every row. */
const MAX_TYPE_WIDTH = 28;

export function settingRows(spec: ConfigSpec): HelpRow[] {
  return Object.values(spec).map((s) => ({
    env: s.env,
    type: s.type === 'enum' ? s.values.join('|') : s.type,
    help: `${s.help}${s.default === undefined ? '' : ` (default ${JSON.stringify(s.default)})`}`,
  }));
}

/** Formats the sections as one table; every row's help starts in the same column. */
export function formatHelpTable(sections: readonly { title?: string; rows: readonly HelpRow[] }[]): string {
  const rows = sections.flatMap((s) => s.rows);
  const envWidth = Math.max(0, ...rows.map((r) => r.env.length));
  const typeWidth = Math.min(MAX_TYPE_WIDTH, Math.max(0, ...rows.map((r) => r.type.length)));
  const helpColumn = ' '.repeat(2 + envWidth + 2 + typeWidth + 2);
  const line = (r: HelpRow) =>
    r.type.length > typeWidth
      ? `  ${r.env.padEnd(envWidth)}  ${r.type}\n${helpColumn}${r.help}`
      : `  ${r.env.padEnd(envWidth)}  ${r.type.padEnd(typeWidth)}  ${r.help}`;
  return sections
    .map((s) => [...(s.title ? [s.title] : []), ...s.rows.map(line)].join('\n'))
    .join('\n\n');
}

/** The whole `--help` text of a service. */
export function serviceHelp(name: string, spec: ConfigSpec): string {
  return `${name}: configured by environment variables\n\n${formatHelpTable([
    { title: 'Settings:', rows: settingRows(spec) },
    { title: 'Tracing (the standard OpenTelemetry variables):', rows: TRACING_HELP },
  ])}\n`;
}
