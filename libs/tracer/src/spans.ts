/** Span helpers for app code: a named span around a function, and the error idiom. */
import { type Attributes, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('faultline');

/** The error's code (ECONNREFUSED, EAI_AGAIN, ...) when it has one, else its name. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const withCode = error as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof withCode.code === 'string' && withCode.code) return withCode.code;
    if (withCode.cause) {
      const causeCode = errorCode(withCode.cause);
      if (causeCode !== 'Error') return causeCode;
    }
    if (typeof withCode.name === 'string' && withCode.name) return withCode.name;
  }
  return 'Error';
}

/** Records the exception (its code as exception.type and error.type) and marks the span failed. */
export function recordError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = errorCode(error);
  span.recordException({ name: err.name, message: err.message, stack: err.stack, code });
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${code}: ${err.message}` });
}

/**
 * Runs fn inside a new active span named `name`. A throw or rejection is recorded on the span and
 * rethrown; the span always ends.
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  attributes: Attributes = {},
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
