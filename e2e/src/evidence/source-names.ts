/**
 * Real tools an evidence label can name. A label names a tool only when that tool produced the text; a
 * stand-in is named as one ("the ingress-nginx stand-in", "kubelet stand-in", "not Flagger").
 * `realToolsNamed` lists the tools a label claims, for the suite's check of the local target's labels.
 */
export const REAL_TOOLS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'kubectl', pattern: /\bkubectl\b/i },
  { name: 'cilium', pattern: /\bcilium(?:-dbg)?\b/i },
  { name: 'hubble', pattern: /\bhubble\b/i },
  { name: 'flagger', pattern: /\bflagger\b/i },
  { name: 'ig', pattern: /\big\b|\binspektor gadget\b/i },
  { name: 'coredns', pattern: /\bcoredns\b/i },
  { name: 'ingress-nginx', pattern: /\bingress-nginx\b/i },
  { name: 'nginx', pattern: /(?<![-\w])nginx\b/i },
  { name: 'kube-proxy', pattern: /\bkube-proxy\b/i },
  { name: 'kubelet', pattern: /\bkubelet\b/i },
  { name: 'prometheus', pattern: /\bprometheus\b/i },
  { name: 'zipkin', pattern: /\bzipkin\b/i },
  { name: 'jaeger', pattern: /\bjaeger\b/i },
  { name: 'curl', pattern: /\bcurl\b/i },
  { name: 'helm', pattern: /\bhelm\b/i },
  { name: 'istio', pattern: /\bistio\b/i },
  { name: 'traefik', pattern: /\btraefik\b/i },
];

/** A tool's name used to say the text is not that tool's: "X stand-in", "not X", "X's algorithm". */
function disclaimed(label: string, index: number, length: number): boolean {
  const before = label.slice(0, index);
  const after = label.slice(index + length);
  if (/\b(?:not|no|without)\s+$/i.test(before)) return true;
  return /^(?:'s)?\s+stand-in\b/i.test(after) || /^'s (?:algorithm|columns|wording|format)\b/i.test(after) || /^(?:\s+[\w-]+)?\s+(?:did not|does not|not) run\b/i.test(after);
}

/** Tools `label` names as the producer of its text (disclaimed mentions left out). */
export function realToolsNamed(label: string): string[] {
  const named: string[] = [];
  for (const tool of REAL_TOOLS) {
    const global = new RegExp(tool.pattern.source, 'gi');
    for (const match of label.matchAll(global)) {
      if (!disclaimed(label, match.index, match[0].length)) {
        named.push(tool.name);
        break;
      }
    }
  }
  return named;
}

/**
 * The real tools the local lab runs, each with the label its own output carries: ig's trace (evidence/dns.ts)
 * and Debian's Prometheus (the `# source: Prometheus <url>` line of the scraped texts, evidence/metrics.ts).
 */
export const LOCAL_REAL_TOOLS: readonly { name: string; label: RegExp }[] = [
  { name: 'ig', label: /^\[ig trace_dns\] / },
  { name: 'prometheus', label: /\bPrometheus https?:\/\/\S+/ },
];

/** Tools a local target's label names although none of them produced its text (empty: the label is honest). */
export function localLabelMisnames(label: string): string[] {
  return realToolsNamed(label).filter((tool) => !LOCAL_REAL_TOOLS.some((real) => real.name === tool && real.label.test(label)));
}
