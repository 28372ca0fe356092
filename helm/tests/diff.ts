/** What a values file changes in the rendered chart, as readable lines ("Service/x spec.ports[0].targetPort: 3000 -> 3001"). */
import type { Manifest, Rendered } from './render';

function key(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
}

function walk(path: string, before: unknown, after: unknown, out: string[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const isObject = (v: unknown) => v !== null && typeof v === 'object';
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
    for (const k of keys) {
      const child = Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      walk(child, (before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], out);
    }
    return;
  }
  out.push(`${path}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
}

/**
 * Every difference between two renders. Secret data (generated per render) is left out. Environment
 * variables are compared by name, so adding one variable reads as one change.
 */
export function diffRenders(base: Rendered, changed: Rendered): string[] {
  const normalise = (m: Manifest): Manifest => {
    const copy = structuredClone(m);
    if (copy.kind === 'Secret') copy.data = {};
    const pod = copy.kind === 'Pod' ? copy.spec : copy.spec?.template?.spec;
    for (const container of pod?.containers ?? []) {
      if (Array.isArray(container.env)) {
        container.env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
      }
    }
    return copy;
  };
  const before = new Map(base.manifests.map((m) => [key(m), normalise(m)]));
  const after = new Map(changed.manifests.map((m) => [key(m), normalise(m)]));
  const out: string[] = [];
  for (const k of before.keys()) if (!after.has(k)) out.push(`-${k}`);
  for (const [k, m] of after) {
    const old = before.get(k);
    if (!old) {
      out.push(`+${k}`);
      continue;
    }
    const lines: string[] = [];
    walk('', old, m, lines);
    out.push(...lines.map((line) => `${k} ${line}`));
  }
  return out.sort();
}
