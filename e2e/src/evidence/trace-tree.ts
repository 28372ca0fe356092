/** A trace as a troubleshooter reads it: an indented tree of spans with service, name and duration. */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';

export interface TraceNode {
  span: ZipkinSpan;
  children: TraceNode[];
}

export function buildTree(spans: readonly ZipkinSpan[]): TraceNode[] {
  const nodes = new Map(spans.map((span) => [span.id, { span, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentId ? nodes.get(node.span.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: TraceNode, b: TraceNode) => (a.span.timestamp ?? 0) - (b.span.timestamp ?? 0);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

function ms(micros: number | undefined): string {
  return micros === undefined ? '?' : `${(micros / 1000).toFixed(1)} ms`;
}

function describe(span: ZipkinSpan): string {
  const service = span.localEndpoint?.serviceName ?? '?';
  const kind = span.kind ? ` ${span.kind.toLowerCase()}` : '';
  const tags = span.tags ?? {};
  const notes = [
    tags['http.status_code'] && `status ${tags['http.status_code']}`,
    tags['error.type'] && `error.type=${tags['error.type']}`,
    tags.error && `error: ${tags.error}`,
  ].filter(Boolean);
  return `${service}: ${span.name ?? '?'}${kind}  ${ms(span.duration)}${notes.length ? `  [${notes.join(', ')}]` : ''}`;
}

/** One line per span, children indented under their parent, in start order. */
export function formatTrace(spans: readonly ZipkinSpan[]): string {
  const lines: string[] = [];
  const walk = (node: TraceNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${describe(node.span)}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of buildTree(spans)) walk(root, 0);
  return lines.join('\n');
}

/** Duration of the whole trace: from the first start to the last end, microseconds. */
export function traceDuration(spans: readonly ZipkinSpan[]): number {
  const starts = spans.map((s) => s.timestamp ?? 0);
  const ends = spans.map((s) => (s.timestamp ?? 0) + (s.duration ?? 0));
  return Math.max(...ends) - Math.min(...starts);
}

/** The services of a trace in the order the calls reached them: a walk of the tree in start order. */
export function servicesInCallOrder(spans: readonly ZipkinSpan[]): string[] {
  const services: string[] = [];
  const walk = (node: TraceNode) => {
    const service = node.span.localEndpoint?.serviceName ?? '?';
    if (!services.includes(service)) services.push(service);
    node.children.forEach(walk);
  };
  buildTree(spans).forEach(walk);
  return services;
}

/** What failed in a trace, in a few words, or undefined: the root's 5xx, else the first span marked as an error. */
export function traceFailure(spans: readonly ZipkinSpan[]): string | undefined {
  const [root] = buildTree(spans);
  const failed = spans.filter((s) => s.tags?.error !== undefined || s.tags?.['error.type'] !== undefined);
  const status = Number(root?.span.tags?.['http.status_code']);
  const cause = failed.map((s) => s.tags?.['error.type'] ?? s.tags?.error).find(Boolean);
  if (status >= 500) return `HTTP ${status}${cause ? ` (${cause})` : ''}`;
  if (failed.length) return `error at ${failed[0].localEndpoint?.serviceName ?? '?'}${cause ? ` (${cause})` : ''}`;
  return undefined;
}

/** One line of `faultline trace`'s list: id, duration, FAILED and why (or ok), the root span, the services in call order. */
export function traceListLine(spans: readonly ZipkinSpan[]): string {
  const [root] = buildTree(spans);
  const failure = traceFailure(spans);
  const duration = `${(traceDuration(spans) / 1000).toFixed(1).padStart(8)} ms`;
  return `${root.span.traceId}  ${duration}  ${failure ? `FAILED ${failure}` : 'ok'}  ${root.span.name ?? '?'}  (${servicesInCallOrder(spans).join(' → ')})`;
}
