/** Why a resilient call gave up. `code` is what logs, spans and answers show. */
export type FailureKind = 'circuit_open' | 'timeout' | 'network_error';

export class ResilientCallError extends Error {
  constructor(
    readonly kind: FailureKind,
    /** ECONNREFUSED, UND_ERR_SOCKET, timeout, circuit_open, ... */
    readonly code: string,
    message: string,
    /** Attempts that reached the network (0 when the breaker refused the first one). */
    readonly attempts: number,
    /** 503 for an open breaker; undefined when no answer came back. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ResilientCallError';
  }
}

/** The breaker is open: the call failed fast without reaching the backend (answer it as a 503). */
export class CircuitOpenError extends ResilientCallError {
  constructor(
    target: string,
    attempts: number,
    readonly retryAfterMs: number,
  ) {
    super('circuit_open', 'circuit_open', `circuit breaker for ${target} is open: failing fast`, attempts, 503);
    this.name = 'CircuitOpenError';
  }
}
