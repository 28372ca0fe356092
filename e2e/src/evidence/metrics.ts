/** Reading Prometheus text exposition: samples by name and labels, summed across pods. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of `name` over every sample (of every scraped text) whose labels include `where`. */
export function sumMetric(texts: readonly string[], name: string, where: Record<string, string> = {}): number {
  return texts
    .flatMap(parseMetrics)
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const SOURCE = /^# source: (.+)$/m;

/**
 * Where scraped texts came from, for evidence: the local target reads them from its Prometheus when one
 * runs (each text starts with `# source: Prometheus <url>`), else straight from each pod's /metrics.
 */
export function metricsSource(texts: readonly string[]): string {
  const source = texts.map((text) => SOURCE.exec(text)?.[1]).find(Boolean);
  return source ?? "each pod's /metrics, scraped directly";
}
