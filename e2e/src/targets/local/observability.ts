/**
 * The local lab's observability parts beside its in-process Zipkin receiver: the trace UI (zipkin-server's
 * Lens, see trace-ui.ts) and Prometheus (see prometheus.ts). Each starts when its runtime exists and is
 * asked for; otherwise, or when it fails to start, the lab runs without it and `skipped` says why in one line.
 */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { LocalPrometheus, prometheusAddress, prometheusRuntime, type ScrapedPod } from './prometheus';
import { TraceUi, traceUiAddress, traceUiRuntime } from './trace-ui';

export interface ObservabilityOptions {
  /** Start the trace UI (a JVM, ~170 MB). Default false; `faultline up` turns it on unless --no-ui. */
  traceUi?: boolean;
  /** Start Prometheus when /usr/bin/prometheus exists. Default true. */
  prometheus?: boolean;
}

export class LabObservability {
  private ui: TraceUi | undefined;
  private uiStarting: Promise<void> | undefined;
  private prom: LocalPrometheus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTargets = '';
  /** One line per part left out: what and why. */
  readonly skipped: string[] = [];

  constructor(private readonly options: ObservabilityOptions) {}

  /** Decides what runs, on which addresses; the trace UI's URL is known from here on (pods get it in their env). */
  plan(block: number): void {
    if (this.options.traceUi) {
      const runtime = traceUiRuntime();
      if (runtime.ok) this.ui = new TraceUi({ host: traceUiAddress(block), runtime });
      else this.skipped.push(`trace UI: ${runtime.reason}`);
    } else {
      this.skipped.push('trace UI: not asked for (--no-ui)');
    }
    if (this.options.prometheus ?? true) {
      const runtime = prometheusRuntime();
      if (runtime.ok) this.prom = new LocalPrometheus({ host: prometheusAddress(block), runtime });
      else this.skipped.push(`Prometheus: ${runtime.reason}`);
    }
  }

  /** Starts the trace UI in the background (the JVM takes seconds); `ready()` waits for it. */
  startTraceUi(): void {
    const ui = this.ui;
    if (!ui) return;
    this.uiStarting = ui.start().catch((error: Error) => {
      this.ui = undefined;
      this.skipped.push(`trace UI: ${error.message.split('\n')[0]}`);
      return ui.stop();
    });
  }

  /** Starts Prometheus; its targets follow `pods()` (checked every second, rewritten when they change). */
  async startPrometheus(pods: () => ScrapedPod[]): Promise<void> {
    const prom = this.prom;
    if (!prom) return;
    try {
      await prom.start(pods());
    } catch (error) {
      this.prom = undefined;
      this.skipped.push(`Prometheus: ${(error as Error).message.split('\n')[0]}`);
      await prom.stop();
      return;
    }
    const sync = () => {
      const current = pods();
      const text = JSON.stringify(current);
      if (text === this.lastTargets) return;
      this.lastTargets = text;
      this.prom?.writeTargets(current);
    };
    sync();
    this.timer = setInterval(sync, 1_000).unref();
  }

  async ready(): Promise<void> {
    await this.uiStarting;
  }

  /** Every batch the lab's Zipkin receiver accepts. */
  forward(spans: ZipkinSpan[]): void {
    this.ui?.forward(spans);
  }

  /** The Lens UI, as a person opens it: http://127.N.0.16:9411/zipkin/ (once planned). */
  get traceUiUrl(): string | undefined {
    return this.ui ? `${this.ui.url}/zipkin/` : undefined;
  }

  /** The lab's Prometheus when it runs: http://127.N.0.90:9090 */
  get prometheusUrl(): string | undefined {
    return this.prometheus?.url;
  }

  get traceUi(): TraceUi | undefined {
    return this.ui;
  }

  get prometheus(): LocalPrometheus | undefined {
    return this.prom?.pid ? this.prom : undefined;
  }

  memory(): Record<string, number> {
    return {
      ...(this.ui?.pid ? { 'trace UI (zipkin-server JVM)': this.ui.rssBytes() } : {}),
      ...(this.prom?.pid ? { prometheus: this.prom.rssBytes() } : {}),
    };
  }

  pids(): number[] {
    return [this.ui?.pid, this.prom?.pid].filter((pid): pid is number => pid !== undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.uiStarting;
    await Promise.all([this.ui?.stop(), this.prom?.stop()]);
  }
}
