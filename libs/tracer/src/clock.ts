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
 *
 * The anchor is read at the edge of a `Date.now()` tick (wallAtTick): then the wall time is a whole new millisecond
 * to within the few hundred nanoseconds between two readings, so the processes of one machine agree to microseconds
 * and a child span in another process does not appear to start before its parent. `performance.timeOrigin` is read
 * at start-up apart from its monotonic counterpart, and under load a process can be descheduled in between: a lab
 * process was seen a millisecond off.
 */
import type { Context, HrTime } from '@opentelemetry/api';
import { addHrTimes, millisToHrTime } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface ClockSources {
  /** Wall time in epoch milliseconds, read once, for the anchor. Default: wallAtTick() on `Date.now()`. */
  wallMs?: () => number;
  /** A monotonic clock in milliseconds. Default: `performance.now()`. */
  monotonicMs?: () => number;
}

export class AnchoredClock {
  private readonly anchor: HrTime;
  private readonly monotonicMs: () => number;

  constructor(sources: ClockSources = {}) {
    this.monotonicMs = sources.monotonicMs ?? (() => performance.now());
    if (sources.wallMs) {
      this.anchor = millisToHrTime(sources.wallMs() - this.monotonicMs());
    } else {
      const tick = wallAtTick(this.monotonicMs);
      this.anchor = millisToHrTime(tick.wallMs - tick.monotonicMs);
    }
  }

  /** Epoch time of a reading of the monotonic clock. */
  at(monotonicMs: number): HrTime {
    return addHrTimes(this.anchor, millisToHrTime(monotonicMs));
  }

  now(): HrTime {
    return this.at(this.monotonicMs());
  }
}

export interface TickReading {
  /** The whole millisecond `Date.now()` turned to. */
  wallMs: number;
  /** The monotonic clock at that moment (the middle of the two readings around it). */
  monotonicMs: number;
  /** How far apart those two readings were: the reading's uncertainty. */
  spreadMs: number;
}

/**
 * The wall clock and the monotonic clock read at one moment, to within microseconds: spins until `Date.now()` turns
 * to the next millisecond (less than a millisecond, once per process), `tries` times, keeping the reading whose two
 * monotonic readings around the tick are closest (a try the scheduler interrupted is far apart).
 */
export function wallAtTick(monotonicMs: () => number = () => performance.now(), wallNow: () => number = Date.now, tries = 3): TickReading {
  let best: TickReading | undefined;
  for (let i = 0; i < tries; i++) {
    const start = wallNow();
    let before = monotonicMs();
    let wall = wallNow();
    while (wall === start) {
      before = monotonicMs();
      wall = wallNow();
    }
    const after = monotonicMs();
    const reading = { wallMs: wall, monotonicMs: (before + after) / 2, spreadMs: after - before };
    if (!best || reading.spreadMs < best.spreadMs) best = reading;
  }
  return best as TickReading;
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
