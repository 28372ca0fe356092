/** The live fault state of one service: set, replaced and cleared at run time, visible as metrics. */
import { Counter, Gauge, type Registry } from 'prom-client';
import { type FaultSpec, type FaultValidator, parseFaultSpec, type ParseResult } from './spec';

export interface FaultSwitchesOptions {
  /** Service-specific faults and their validators. */
  custom?: Record<string, FaultValidator>;
  /** Registry for faultline_fault_active and faultline_faults_injected_total. */
  registry?: Registry;
  /** How the crash fault ends the process (tests pass their own). */
  exit?: (code: number) => void;
  /** Called on every change, with the new state. */
  onChange?: (spec: FaultSpec) => void;
}

export class FaultSwitches {
  private state: FaultSpec = Object.freeze({});
  private crashTimer: NodeJS.Timeout | undefined;
  private readonly active?: Gauge<'fault'>;
  private readonly injected?: Counter<'fault'>;
  private readonly exit: (code: number) => void;

  constructor(private readonly options: FaultSwitchesOptions = {}) {
    this.exit = options.exit ?? ((code) => process.exit(code));
    if (options.registry) {
      this.active = new Gauge({
        name: 'faultline_fault_active',
        help: 'Whether a fault switch is on (1) or off (0).',
        labelNames: ['fault'],
        registers: [options.registry],
      });
      this.injected = new Counter({
        name: 'faultline_faults_injected_total',
        help: 'Requests or events a fault was applied to.',
        labelNames: ['fault'],
        registers: [options.registry],
      });
    }
    for (const name of this.knownFaults()) this.active?.set({ fault: name }, 0);
  }

  knownFaults(): string[] {
    return ['latency', 'error', 'unready', 'unhealthy', 'crash', 'hang', ...Object.keys(this.options.custom ?? {})];
  }

  validate(value: unknown): ParseResult {
    return parseFaultSpec(value, this.options.custom);
  }

  current(): FaultSpec {
    return this.state;
  }

  get<T = unknown>(name: string): T | undefined {
    return this.state[name] as T | undefined;
  }

  isOn(name: string): boolean {
    return this.state[name] !== undefined;
  }

  /** Replaces every fault with `value`; returns the problems instead when it is invalid. */
  replace(value: unknown): ParseResult {
    const parsed = this.validate(value);
    if (parsed.ok) this.apply(parsed.spec);
    return parsed;
  }

  /** Sets one fault, keeping the others. */
  set(name: string, value: unknown): ParseResult {
    const parsed = this.validate({ [name]: value });
    if (parsed.ok) {
      const next: FaultSpec = { ...this.state };
      delete next[name];
      this.apply({ ...next, ...parsed.spec });
    }
    return parsed;
  }

  /** Clears one fault, or all of them. */
  clear(name?: string): void {
    if (name === undefined) return this.apply({});
    const next: FaultSpec = { ...this.state };
    delete next[name];
    this.apply(next);
  }

  /** Counts one application of a fault (a delayed, failed or held request, a dropped packet...). */
  countInjected(name: string): void {
    this.injected?.inc({ fault: name });
  }

  /** Stops the crash timer; for shutdown. */
  dispose(): void {
    clearTimeout(this.crashTimer);
  }

  private apply(spec: FaultSpec): void {
    this.state = Object.freeze(spec);
    for (const name of this.knownFaults()) this.active?.set({ fault: name }, this.isOn(name) ? 1 : 0);
    clearTimeout(this.crashTimer);
    this.crashTimer = undefined;
    const crash = spec.crash;
    if (crash) {
      this.crashTimer = setTimeout(() => {
        this.countInjected('crash');
        this.exit(crash.exitCode ?? 1);
      }, crash.afterMs ?? 0);
    }
    this.options.onChange?.(this.state);
  }
}
