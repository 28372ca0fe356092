/** The sampler named by OTEL_TRACES_SAMPLER, made aware of B3's "no decision yet" (deferred) state. */
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { B3_SAMPLING_DEFERRED } from './b3';
import type { SamplerName } from './config';

/** When the caller deferred the decision, the root sampler decides, as if this were a new trace. */
class B3DeferredAwareSampler implements Sampler {
  constructor(
    private readonly parentBased: Sampler,
    private readonly root: Sampler,
  ) {}

  shouldSample(
    context: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const sampler = context.getValue(B3_SAMPLING_DEFERRED) ? this.root : this.parentBased;
    return sampler.shouldSample(context, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `B3DeferredAware{${this.parentBased.toString()}}`;
  }
}

export function createSampler(name: SamplerName, ratio: number): Sampler {
  const parentBased = (root: Sampler) => new B3DeferredAwareSampler(new ParentBasedSampler({ root }), root);
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return parentBased(new AlwaysOnSampler());
    case 'parentbased_always_off':
      return parentBased(new AlwaysOffSampler());
    case 'parentbased_traceidratio':
      return parentBased(new TraceIdRatioBasedSampler(ratio));
  }
}
