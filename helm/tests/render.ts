/**
 * `helm template` of the chart, parsed into manifests, with lookups by kind and name. helm is the project's pin
 * (bash scripts/dev/install-helm.sh, the offline kit's version): without it the chart tests skip saying so,
 * and under CI they fail (the missing-tool policy of @faultline/test-support).
 */
import { requireTool, skipWithout } from '@faultline/test-support';
import { parseAllDocuments } from 'yaml';
import { CHART, run } from './repo';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** ConfigMap and Secret data (undefined on other kinds). */
  data: Record<string, string>;
}

export const RELEASE = 'lab';
export const NAMESPACE = 'faultline';

export interface Rendered {
  manifests: Manifest[];
  get(kind: string, name: string): Manifest;
  find(kind: string, name: string): Manifest | undefined;
  all(kind: string): Manifest[];
}

/** For node:test's `skip` of every test that runs helm: one line naming the install command, or false. */
export const HELM_SKIP = skipWithout('helm');

let helmPath: string | undefined;

export function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = run((helmPath ??= requireTool('helm')), args);
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Renders the chart with the given values files and --set flags; throws with helm's message on failure. */
export function render(valuesFiles: string[] = [], sets: string[] = []): Rendered {
  const args = ['template', RELEASE, CHART, '--namespace', NAMESPACE];
  for (const file of valuesFiles) args.push('-f', file);
  for (const set of sets) args.push('--set', set);
  const result = helm(args);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  const manifests = parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
  return {
    manifests,
    find,
    get(kind, name) {
      const manifest = find(kind, name);
      if (!manifest) throw new Error(`no ${kind} ${name} in the rendered chart`);
      return manifest;
    },
    all: (kind) => manifests.filter((m) => m.kind === kind),
  };
}

/** A render() done on first use, so that a file whose tests skip (no helm) renders nothing at load time. */
export function lazyRender(valuesFiles: string[] = [], sets: string[] = []): Rendered {
  let done: Rendered | undefined;
  const rendered = () => (done ??= render(valuesFiles, sets));
  return {
    get manifests() {
      return rendered().manifests;
    },
    get: (kind, name) => rendered().get(kind, name),
    find: (kind, name) => rendered().find(kind, name),
    all: (kind) => rendered().all(kind),
  };
}

/** Pod templates of every workload, with the workload they belong to. */
export function podTemplates(rendered: Rendered): { owner: Manifest; pod: any }[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return rendered.manifests.flatMap((m) => {
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(m.kind)) return [{ owner: m, pod: m.spec.template }];
    if (m.kind === 'Pod') return [{ owner: m, pod: { metadata: m.metadata, spec: m.spec } }];
    return [];
  });
}

/** A container's environment as name -> value (or `secret:<name>/<key>`, `field:<path>`). */
export function envOf(container: { env?: any[] }): Record<string, string> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (entry.valueFrom?.secretKeyRef) env[entry.name] = `secret:${entry.valueFrom.secretKeyRef.name}/${entry.valueFrom.secretKeyRef.key}`;
    else if (entry.valueFrom?.fieldRef) env[entry.name] = `field:${entry.valueFrom.fieldRef.fieldPath}`;
    else env[entry.name] = entry.value;
  }
  return env;
}
