/**
 * What one k6 run measured, read from its `--summary-export` JSON: k6's machine-readable summary, where each
 * metric (and each sub-metric a threshold names, such as `http_req_duration{step:order}`) is an object of
 * values (`count`, `value` for a rate, `avg`, `p(95)`...) and `thresholds` maps each expression to whether
 * it FAILED (true) or passed (false).
 */

export interface ThresholdResult {
  /** The metric or sub-metric, as the script names it: `http_req_duration{step:order}`. */
  metric: string;
  /** As written in the script: `p(95)<1500`. */
  expression: string;
  passed: boolean;
  /** The value the expression compared, when the summary has it. */
  value?: number;
}

export interface StepLatency {
  /** The tag values that name the step (`order`, `slow`), or `all` for every request. */
  step: string;
  p95Ms: number;
}

export interface RunSummary {
  /** http_reqs count. */
  requests: number;
  /** Share of requests k6 counted as failed (http_req_failed), 0..1; undefined when no request was made. */
  failedRate?: number;
  /** p95 of http_req_duration per tagged sub-metric the script has; the overall p95 when it has none. */
  p95: StepLatency[];
  thresholds: ThresholdResult[];
  /** Every metric's values, by name: `metrics.calls_succeeded.value` is a rate, `metrics.http_reqs.count` a count. */
  metrics: Record<string, Record<string, number>>;
}

type RawMetric = Record<string, unknown> & { thresholds?: Record<string, unknown> };

/** The value a threshold expression aggregates: `p(95)<500` → `p(95)`, `rate>=0.95` → `value` (k6 exports a rate as value). */
export function aggregateOf(expression: string): string {
  const name = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)/.exec(expression)?.[1] ?? expression;
  return name === 'rate' ? 'value' : name;
}

/** `http_req_duration{step:order,external:true}` → `order,true`. */
function stepName(tags: string): string {
  return tags
    .split(',')
    .map((tag) => tag.slice(tag.indexOf(':') + 1).trim())
    .join(',');
}

export function parseSummary(json: unknown): RunSummary {
  const raw = (json as { metrics?: Record<string, RawMetric> } | null)?.metrics;
  if (!raw || typeof raw !== 'object') throw new Error('not a k6 summary: no "metrics" object');
  const metrics: Record<string, Record<string, number>> = {};
  const thresholds: ThresholdResult[] = [];
  for (const [metric, values] of Object.entries(raw)) {
    metrics[metric] = Object.fromEntries(Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
    for (const [expression, failed] of Object.entries(values.thresholds ?? {})) {
      const aggregate = aggregateOf(expression);
      // k6 exports the median as `med`, not `p(50)`.
      const value = metrics[metric][aggregate] ?? (aggregate === 'p(50)' ? metrics[metric].med : undefined);
      thresholds.push({ metric, expression, passed: failed === false, value });
    }
  }
  // k6 adds `{expected_response:true}` itself (the successful requests' durations): not a step of the script.
  const tagged = Object.keys(metrics)
    .map((name) => ({ name, tags: /^http_req_duration\{(.+)\}$/.exec(name)?.[1] }))
    .filter((m): m is { name: string; tags: string } => m.tags !== undefined && !m.tags.startsWith('expected_response:') && metrics[m.name]['p(95)'] !== undefined)
    .map((m) => ({ step: stepName(m.tags), p95Ms: metrics[m.name]['p(95)'] }));
  const overall = metrics.http_req_duration?.['p(95)'];
  return {
    requests: metrics.http_reqs?.count ?? 0,
    failedRate: metrics.http_req_failed?.value,
    p95: tagged.length ? tagged : overall !== undefined ? [{ step: 'all', p95Ms: overall }] : [],
    thresholds,
    metrics,
  };
}
