/**
 * Resilient outbound HTTP: per-try timeout, retries with jittered exponential backoff, and a circuit
 * breaker, each attempt its own client span, all of it visible as Prometheus metrics.
 */
export { backoffDelay, type BackoffOptions } from './backoff';
export { type Admission, type BreakerOptions, type BreakerState, CircuitBreaker } from './breaker';
export { type CallOptions, ResilientClient, type ResilientClientOptions, type ResilientResponse } from './client';
export { CircuitOpenError, type FailureKind, ResilientCallError } from './errors';
export { type AttemptOutcome, type CallOutcome, ResilienceMetrics } from './metrics';
