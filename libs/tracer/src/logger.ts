/** JSON log lines, one per event, carrying the active trace_id and span_id. */
import { type DiagLogger, trace } from '@opentelemetry/api';
import { shortenTraceId } from './b3';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
}

function errorFields(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code ? { code } : {}) };
  }
  return value;
}

export function createLogger(options: LoggerOptions): Logger {
  const minimum = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const base = options.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[level] < minimum) return;
    const spanContext = trace.getActiveSpan()?.spanContext();
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: options.service,
      msg,
      ...(spanContext ? { trace_id: shortenTraceId(spanContext.traceId), span_id: spanContext.spanId } : {}),
      ...base,
    };
    for (const [key, value] of Object.entries(fields)) line[key] = errorFields(value);
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** OpenTelemetry's own messages (an exporter that cannot reach Zipkin, say) as log lines of the service. */
export function diagLogger(log: Logger): DiagLogger {
  const fields = (args: unknown[]) => ({ component: 'opentelemetry', ...(args.length ? { details: args.map(String) } : {}) });
  return {
    error: (message, ...args) => log.error(message, fields(args)),
    warn: (message, ...args) => log.warn(message, fields(args)),
    info: (message, ...args) => log.info(message, fields(args)),
    debug: (message, ...args) => log.debug(message, fields(args)),
    verbose: (message, ...args) => log.debug(message, fields(args)),
  };
}
