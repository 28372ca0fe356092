/**
 * Span times from one monotonic high-resolution clock, anchored once to wall time: a span's start is the
 * anchor plus `performance.now()` at that moment, and its end and events follow from the same monotonic
 * clock. So times carry microseconds (Zipkin JSON) and nanoseconds (OTLP), a child never starts before its
 * parent in the same process, and a wall clock step (NTP) during a run moves no span and makes no negative
 * duration.
 *
 * Why: OpenTelemetry's SDK starts every span at `Date.now()`, whole milliseconds read from the wall clock
 * each time, and adds the monotonic elapsed time for the end. The start loses its microseconds (a 300 µs
 * span may look like it starts before its parent) and follows every step of the wall clock.
 */
import type { Context, HrTime } from '@opentelemetry/api';
import { addHrTimes, millisToHrTime } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface ClockSources {
  /** Wall time in epoch milliseconds, read once, for the anchor. Default: the process's time origin plus `performance.now()`. */
  wallMs?: () => number;
  /** A monotonic clock in milliseconds. Default: `performance.now()`. */
  monotonicMs?: () => number;
}

export class AnchoredClock {
  private readonly anchor: HrTime;
  private readonly monotonicMs: () => number;

  constructor(sources: ClockSources = {}) {
    this.monotonicMs = sources.monotonicMs ?? (() => performance.now());
    // performance.timeOrigin carries microseconds, where Date.now() would lose up to a millisecond of the anchor.
    const wallMs = sources.wallMs ?? (() => performance.timeOrigin + performance.now());
    this.anchor = millisToHrTime(wallMs() - this.monotonicMs());
  }

  /** Epoch time of a reading of the monotonic clock. */
  at(monotonicMs: number): HrTime {
    return addHrTimes(this.anchor, millisToHrTime(monotonicMs));
  }

  now(): HrTime {
    return this.at(this.monotonicMs());
  }
}

/** The SDK Span's private reading of performance.now() at its start, from which it measures the end. */
type SdkSpan = Span & { _performanceStartTime?: unknown; startTime: HrTime };

/**
 * Moves each span's start onto the clock, the first processor of the provider. The SDK measures the end and
 * the events from its own `performance.now()` reading at the start, so the start taken from that same
 * reading makes every time of the span the clock's. The clock must use `performance.now()` (the default).
 */
export class AnchoredStartProcessor implements SpanProcessor {
  constructor(private readonly clock = new AnchoredClock()) {}

  onStart(span: Span, _parentContext: Context): void {
    const sdkSpan = span as SdkSpan;
    // A start the caller gave stays as given.
    if ((sdkSpan as { _startTimeProvided?: unknown })._startTimeProvided === true) return;
    const started = sdkSpan._performanceStartTime;
    sdkSpan.startTime = typeof started === 'number' ? this.clock.at(started) : this.clock.now();
  }

  onEnd(_span: ReadableSpan): void {
    // Nothing to do at the end: the SDK adds the monotonic elapsed time to the start.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
