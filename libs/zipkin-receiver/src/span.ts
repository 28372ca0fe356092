/** The Zipkin v2 span model (the subset the receiver stores and queries). */
export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** Start, epoch microseconds. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  tags?: Record<string, string>;
  annotations?: { timestamp: number; value: string }[];
  debug?: boolean;
  shared?: boolean;
}

const HEX_ID = /^[0-9a-f]{16}$|^[0-9a-f]{32}$/;

/** Lower-cases ids and reports what is wrong with a span, or undefined when it is valid. */
export function validateSpan(value: unknown, index: number): string | undefined {
  if (!value || typeof value !== 'object') return `span ${index}: not an object`;
  const span = value as Partial<ZipkinSpan>;
  if (typeof span.traceId !== 'string' || !HEX_ID.test(span.traceId.toLowerCase())) {
    return `span ${index}: traceId must be 16 or 32 hex characters`;
  }
  if (typeof span.id !== 'string' || !/^[0-9a-f]{16}$/.test(span.id.toLowerCase())) {
    return `span ${index}: id must be 16 hex characters`;
  }
  if (span.parentId !== undefined && (typeof span.parentId !== 'string' || !/^[0-9a-f]{16}$/i.test(span.parentId))) {
    return `span ${index}: parentId must be 16 hex characters`;
  }
  return undefined;
}

/** Zipkin's lenient trace id: a 64-bit id and its zero-padded 128-bit form are the same trace. */
export function traceKey(traceId: string): string {
  return traceId.toLowerCase().padStart(32, '0');
}

export function serviceOf(span: ZipkinSpan): string | undefined {
  return span.localEndpoint?.serviceName;
}
