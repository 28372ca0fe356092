/**
 * B3 propagation as the B3 specification describes it, on top of OpenTelemetry's B3 propagator:
 * - extracts both the multi-header (X-B3-*) and the single `b3` header forms;
 * - injects the form it was built for (multi-header by default);
 * - keeps 64-bit trace ids 64-bit on the way out (OpenTelemetry pads them to 128 bits);
 * - marks a context whose caller sent no sampling decision as "deferred", so the local sampler decides
 *   instead of treating the trace as unsampled.
 */
import {
  type Context,
  createContextKey,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';

export const B3_SAMPLING_DEFERRED = createContextKey('faultline.b3.sampling-deferred');

const PADDING_OF_64_BIT_ID = '0000000000000000';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** True when the carrier names a trace but no sampling decision (neither sampled nor debug). */
function hasNoSamplingDecision(carrier: unknown, getter: TextMapGetter): boolean {
  const single = first(getter.get(carrier, 'b3'));
  if (single !== undefined) {
    const parts = single.split('-');
    return parts.length === 2;
  }
  return (
    first(getter.get(carrier, 'x-b3-traceid')) !== undefined &&
    first(getter.get(carrier, 'x-b3-sampled')) === undefined &&
    first(getter.get(carrier, 'x-b3-flags')) === undefined
  );
}

/** A 128-bit id whose upper half is zero came from a 64-bit id: send it back as 64 bits. */
export function shortenTraceId(traceId: string): string {
  return traceId.length === 32 && traceId.startsWith(PADDING_OF_64_BIT_ID) ? traceId.slice(16) : traceId;
}

export class B3Propagation implements TextMapPropagator {
  private readonly delegate: B3Propagator;

  constructor(readonly encoding: 'multi' | 'single' = 'multi') {
    this.delegate = new B3Propagator({
      injectEncoding: encoding === 'multi' ? B3InjectEncoding.MULTI_HEADER : B3InjectEncoding.SINGLE_HEADER,
    });
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const fields: Record<string, string> = {};
    this.delegate.inject(context, fields, {
      set: (target, key, value) => {
        (target as Record<string, string>)[key] = value;
      },
    });
    for (const [key, value] of Object.entries(fields)) {
      if (key === 'x-b3-traceid') setter.set(carrier, key, shortenTraceId(value));
      else if (key === 'b3') setter.set(carrier, key, value.replace(/^[0-9a-f]{32}/, (id) => shortenTraceId(id)));
      else setter.set(carrier, key, value);
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = this.delegate.extract(context, carrier, getter);
    if (trace.getSpanContext(extracted) && hasNoSamplingDecision(carrier, getter)) {
      return extracted.setValue(B3_SAMPLING_DEFERRED, true);
    }
    return extracted;
  }

  fields(): string[] {
    return this.delegate.fields();
  }
}
