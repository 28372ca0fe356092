/** The k6 scripts `npm run test:load` runs, in order, and which of the lab's Services each one is pointed at. */
import path from 'node:path';
import { UsageError } from '../cli/args';
import { WORKSPACE_ROOT } from '../targets/local/paths';

export interface LoadScript {
  name: string;
  /** Absolute path of the script in e2e/k6/. */
  file: string;
  /** The script's URL variable (e2e/k6/lib/targets.ts) → the lab Service it points at. */
  services: Record<string, string>;
  /** Whether k6's web dashboard report is written for it (runs long enough to plot). */
  report: boolean;
}

const K6_DIR = path.join(WORKSPACE_ROOT, 'e2e', 'k6');

export const LOAD_SCRIPTS: readonly LoadScript[] = [
  {
    name: 'smoke',
    file: path.join(K6_DIR, 'smoke.ts'),
    services: { STORE_URL: 'store-front', FRONT_END_URL: 'front-end', RETRY_CLIENT_URL: 'retry-client' },
    report: false,
  },
  { name: 'shopper', file: path.join(K6_DIR, 'shopper.ts'), services: { STORE_URL: 'store-front' }, report: true },
  { name: 'pages', file: path.join(K6_DIR, 'pages.ts'), services: { FRONT_END_URL: 'front-end' }, report: false },
  { name: 'retry-storm', file: path.join(K6_DIR, 'retry-storm.ts'), services: { RETRY_CLIENT_URL: 'retry-client' }, report: true },
];

/** The scripts named (all when none is), in catalog order; throws naming an unknown one. */
export function selectScripts(names: readonly string[]): LoadScript[] {
  const unknown = names.filter((n) => !LOAD_SCRIPTS.some((s) => s.name === n));
  if (unknown.length) throw new UsageError(`unknown k6 script${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${LOAD_SCRIPTS.map((s) => s.name).join(', ')})`);
  return LOAD_SCRIPTS.filter((s) => names.length === 0 || names.includes(s.name));
}

/** The -e values of a script: each URL variable set to its Service's address in the lab. */
export function scriptUrls(script: LoadScript, serviceUrl: (service: string) => string | undefined): { env: Record<string, string>; missing: string[] } {
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const [variable, service] of Object.entries(script.services)) {
    const url = serviceUrl(service);
    if (url) env[variable] = url;
    else missing.push(service);
  }
  return { env, missing };
}
