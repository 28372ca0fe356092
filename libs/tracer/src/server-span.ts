/**
 * The SERVER span of an incoming request, made without the SDK's tracer: the provider's sampler, id generator
 * and span processors are called directly, and the span is one object that is both the API's Span (for the app:
 * attributes, events, status, children) and the SDK's ReadableSpan (for the processors and exporters).
 *
 * Why: a request's span is the one span every request pays for. The SDK's tracer copies and checks the
 * attributes twice before the span exists and once more inside it, reads the wall clock and the monotonic clock
 * three times, and starts span metrics; the span here takes its attributes as they are (server-spans.ts makes
 * them, all valid), reads the monotonic clock once at each end (clock.ts anchors it), and checks only what the
 * app sets later, as the SDK would, under the same limits (span-limits.ts).
 */
import {
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  isSpanContextValid,
  type Link,
  SamplingDecision,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import {
  addHrTimes,
  type InstrumentationScope,
  isAttributeValue,
  isTimeInput,
  millisToHrTime,
  sanitizeAttributes,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, ReadableSpan, Sampler, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { AnchoredClock } from './clock';
import type { ResolvedSpanLimits } from './span-limits';

export interface ServerSpanSource {
  sampler: Sampler;
  idGenerator: IdGenerator;
  /** The provider's processors, in its order. */
  processors: readonly SpanProcessor[];
  resource: Resource;
  clock: AnchoredClock;
  limits: ResolvedSpanLimits;
}

const SCOPE: InstrumentationScope = { name: 'faultline-http-server' };

/** Starts a SERVER span under `parent` (the caller's extracted context), or a non-recording one the sampler dropped. */
export function startServerSpan(source: ServerSpanSource, name: string, attributes: Attributes, parent: Context): Span {
  const parentSpanContext = trace.getSpanContext(parent);
  const validParent = parentSpanContext && isSpanContextValid(parentSpanContext) ? parentSpanContext : undefined;
  const traceId = validParent?.traceId ?? source.idGenerator.generateTraceId();
  const spanId = source.idGenerator.generateSpanId();
  const result = source.sampler.shouldSample(parent, traceId, name, SpanKind.SERVER, attributes, []);
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
    traceState: result.traceState ?? validParent?.traceState,
  };
  if (result.decision === SamplingDecision.NOT_RECORD) return trace.wrapSpanContext(spanContext);
  if (result.attributes) Object.assign(attributes, sanitizeAttributes(result.attributes));
  const span = new ServerSpan(source, spanContext, validParent, name, attributes);
  for (const processor of source.processors) processor.onStart(span, parent);
  return span;
}

class ServerSpan implements Span, ReadableSpan {
  readonly kind = SpanKind.SERVER;
  readonly instrumentationScope = SCOPE;
  readonly resource: Resource;
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly events: TimedEvent[] = [];
  readonly links: Link[] = [];
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private attributeCount: number;
  private readonly startedAt: number;

  constructor(
    private readonly source: ServerSpanSource,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    public name: string,
    readonly attributes: Attributes,
  ) {
    this.resource = source.resource;
    this.startedAt = performance.now();
    this.startTime = source.clock.at(this.startedAt);
    this.attributeCount = Object.keys(attributes).length;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value === undefined || value === null || this.ended || !key || !isAttributeValue(value)) return this;
    if (!Object.prototype.hasOwnProperty.call(this.attributes, key)) {
      if (this.attributeCount >= this.source.limits.attributeCountLimit) {
        this.droppedAttributesCount++;
        return this;
      }
      this.attributeCount++;
    }
    this.attributes[key] = this.truncated(value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const isTime = isTimeInput(attributesOrTime);
    if (this.events.length >= this.source.limits.eventCountLimit) {
      this.droppedEventsCount++;
      if (this.source.limits.eventCountLimit === 0) return this;
      this.events.shift();
    }
    this.events.push({
      name,
      attributes: isTime ? {} : sanitizeAttributes(attributesOrTime),
      time: this.timeOf(isTime ? (attributesOrTime as TimeInput) : time),
      droppedAttributesCount: 0,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    if (this.links.length >= this.source.limits.linkCountLimit) {
      this.droppedLinksCount++;
      if (this.source.limits.linkCountLimit === 0) return this;
      this.links.shift();
    }
    this.links.push(link.attributes ? { context: link.context, attributes: sanitizeAttributes(link.attributes) } : { context: link.context });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** As the SDK: UNSET changes nothing, OK is final, an ERROR's message is kept when it is a string. */
  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  /** As the SDK: the exception's code or name, message and stack in an "exception" event. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      const type = exception.code?.toString() || exception.name;
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) this.addEvent('exception', attributes, time);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    if (endTime === undefined) {
      const elapsed = performance.now() - this.startedAt;
      this.duration = millisToHrTime(elapsed);
      this.endTime = addHrTimes(this.startTime, this.duration);
    } else {
      this.endTime = this.timeOf(endTime);
      const nanos = (this.endTime[0] - this.startTime[0]) * 1e9 + this.endTime[1] - this.startTime[1];
      // An end the caller gave before the start: a zero duration, as the SDK makes it.
      if (nanos < 0) this.endTime = this.startTime;
      this.duration = millisToHrTime(Math.max(0, nanos) / 1e6);
    }
    this.ended = true;
    for (const processor of this.source.processors) processor.onEnd(this);
  }

  /** A time the app gave: a monotonic reading (a number not past performance.now()), epoch milliseconds, a Date or an HrTime. */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (input === undefined) return this.source.clock.now();
    if (typeof input === 'number') return input <= performance.now() ? this.source.clock.at(input) : millisToHrTime(input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    return input;
  }

  private truncated(value: AttributeValue): AttributeValue {
    const limit = this.source.limits.attributeValueLengthLimit;
    if (!(limit < Infinity)) return value;
    if (typeof value === 'string') return value.length > limit ? value.slice(0, limit) : value;
    if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' && item.length > limit ? item.slice(0, limit) : item)) as AttributeValue;
    return value;
  }
}
