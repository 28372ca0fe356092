/**
 * Per-pod log capture: every line a pod writes, parsed when it is JSON (the services log JSON lines),
 * kept in memory (bounded) and searchable, as `kubectl logs --selector app=<deployment>` would show.
 */
export interface LogLine {
  deployment: string;
  pod: string;
  stream: 'stdout' | 'stderr';
  /**
   * When it was written, epoch ms: the line's own `time` field when it has one (the services stamp every
   * line, as a container runtime would), else when the harness read it. Pipes deliver lines late under
   * load; `since` filters must not take an old line for a new one.
   */
  at: number;
  text: string;
  /** The parsed line when it is a JSON object. */
  json?: Record<string, unknown>;
}

export type LogPredicate = (line: LogLine) => boolean;

export class LogStore {
  private readonly lines: LogLine[] = [];
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(private readonly maxLines = 50_000) {}

  add(deployment: string, pod: string, stream: 'stdout' | 'stderr', text: string): void {
    let json: Record<string, unknown> | undefined;
    if (text.startsWith('{')) {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
      } catch {
        // not JSON: kept as text
      }
    }
    const written = typeof json?.time === 'string' ? Date.parse(json.time) : Number.NaN;
    const line = { deployment, pod, stream, at: Number.isNaN(written) ? Date.now() : written, text, json };
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
    for (const listener of this.listeners) listener(line);
  }

  /** Lines of a deployment (all when omitted), optionally since an epoch-ms time, matching `predicate`. */
  search(options: { deployment?: string; since?: number; match?: LogPredicate } = {}): LogLine[] {
    return this.lines.filter(
      (line) =>
        (!options.deployment || line.deployment === options.deployment) &&
        (!options.since || line.at >= options.since) &&
        (!options.match || options.match(line)),
    );
  }

  /** Resolves with the first line (already stored or arriving) matching; rejects after timeoutMs. */
  waitFor(options: { deployment?: string; since?: number; match: LogPredicate }, timeoutMs: number, what = 'a log line'): Promise<LogLine> {
    const found = this.search(options)[0];
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (line: LogLine) => {
        if (options.deployment && line.deployment !== options.deployment) return;
        if (options.since && line.at < options.since) return;
        if (!options.match(line)) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }
}
