/**
 * Prometheus metrics of resilient calls, registered in the registry the caller passes:
 *   resilience_attempts_total{target,outcome}           every attempt that reached the network
 *   resilience_calls_total{target,outcome}              every call, after its retries
 *   resilience_circuit_breaker_state{target,state}      1 for the breaker's current state, 0 for the others
 *   resilience_circuit_breaker_transitions_total{target,from,to}
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState } from './breaker';

export type AttemptOutcome = 'success' | 'retryable_status' | 'other_status' | 'timeout' | 'network_error';
export type CallOutcome = 'success' | 'failed' | 'circuit_open';

const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];
/** The breakers each registry's state gauge reads, so several clients can share one registry. */
const BREAKER_READERS = new WeakMap<Registry, Map<string, () => BreakerState>>();

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  return (registry.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export class ResilienceMetrics {
  private readonly attempts: Counter;
  private readonly calls: Counter;
  private readonly transitions: Counter;
  private readonly readers: Map<string, () => BreakerState>;

  constructor(registry: Registry) {
    this.attempts = counter(registry, 'resilience_attempts_total', 'HTTP attempts made by resilient clients, by outcome.', ['target', 'outcome']);
    this.calls = counter(registry, 'resilience_calls_total', 'Resilient calls, after their retries, by outcome.', ['target', 'outcome']);
    this.transitions = counter(
      registry,
      'resilience_circuit_breaker_transitions_total',
      'Circuit breaker state changes.',
      ['target', 'from', 'to'],
    );
    let readers = BREAKER_READERS.get(registry);
    if (!readers) {
      const watched = new Map<string, () => BreakerState>();
      readers = watched;
      BREAKER_READERS.set(registry, watched);
      new Gauge({
        name: 'resilience_circuit_breaker_state',
        help: 'Circuit breaker state: 1 for the current state (closed, open, half_open), 0 for the others.',
        labelNames: ['target', 'state'],
        registers: [registry],
        collect() {
          for (const [target, read] of watched) {
            const current = read();
            for (const state of STATES) this.set({ target, state }, state === current ? 1 : 0);
          }
        },
      });
    }
    this.readers = readers;
  }

  attempt(target: string, outcome: AttemptOutcome): void {
    this.attempts.inc({ target, outcome });
  }

  call(target: string, outcome: CallOutcome): void {
    this.calls.inc({ target, outcome });
  }

  transition(target: string, from: BreakerState, to: BreakerState): void {
    this.transitions.inc({ target, from, to });
  }

  watchBreaker(target: string, read: () => BreakerState): void {
    this.readers.set(target, read);
  }
}
