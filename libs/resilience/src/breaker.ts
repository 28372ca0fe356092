/**
 * A consecutive-failure circuit breaker.
 *   closed    → every call goes through; `failureThreshold` failures in a row open it.
 *   open      → calls fail fast, without touching the backend, for `openMs`.
 *   half_open → one probe call goes through (the others still fail fast); its success closes the
 *               breaker, its failure opens it again for another `openMs`.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  openMs: number;
  /** Milliseconds; Date.now by default (tests pass their own clock). */
  now?: () => number;
  onTransition?: (from: BreakerState, to: BreakerState) => void;
}

/** What the breaker lets a caller do: go ahead, go ahead as the half-open probe, or fail fast. */
export type Admission = 'call' | 'probe' | 'reject';

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    if (!(options.failureThreshold >= 1)) throw new RangeError('failureThreshold must be at least 1');
    if (!(options.openMs >= 0)) throw new RangeError('openMs must not be negative');
    this.now = options.now ?? Date.now;
  }

  /** The state as of now (an open breaker whose time is up reads as half_open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) this.move('half_open');
    return this.current;
  }

  /** Milliseconds until an open breaker lets a probe through; 0 otherwise. */
  retryAfterMs(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.options.openMs - this.now()) : 0;
  }

  admit(): Admission {
    switch (this.state) {
      case 'closed':
        return 'call';
      case 'open':
        return 'reject';
      case 'half_open':
        if (this.probeInFlight) return 'reject';
        this.probeInFlight = true;
        return 'probe';
    }
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.move('closed');
  }

  recordFailure(): void {
    this.probeInFlight = false;
    this.consecutiveFailures += 1;
    if (this.current === 'half_open' || (this.current === 'closed' && this.consecutiveFailures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.move('open');
    }
  }

  /** A call admitted as the probe ended without a verdict (the caller gave up): let another probe go. */
  releaseProbe(): void {
    this.probeInFlight = false;
  }

  private move(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    if (to === 'closed') this.consecutiveFailures = 0;
    this.options.onTransition?.(from, to);
  }
}
