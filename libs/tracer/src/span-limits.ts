/**
 * The span limits of OTEL_SPAN_*_LIMIT and OTEL_ATTRIBUTE_*_LIMIT, resolved as OpenTelemetry's SDK resolves
 * them (a span's own variable first, then the general one, then the SDK's default), so that the provider and
 * the request spans made beside it (server-span.ts) keep the same limits.
 */
import { getNumberFromEnv } from '@opentelemetry/core';
import type { SpanLimits } from '@opentelemetry/sdk-trace-base';

export type ResolvedSpanLimits = Required<SpanLimits>;

export function spanLimitsFromEnv(): ResolvedSpanLimits {
  return {
    attributeCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT') ?? 128,
    attributeValueLengthLimit:
      getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? Infinity,
    eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT') ?? 128,
    linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT') ?? 128,
    attributePerEventCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT') ?? 128,
    attributePerLinkCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT') ?? 128,
  };
}
