/** Where the workspace and the built app bundles are. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export function appBundle(app: string): { main: string; tracing: string } {
  const dir = path.join(WORKSPACE_ROOT, 'dist', 'apps', app);
  return { main: path.join(dir, 'main.js'), tracing: path.join(dir, 'tracing.js') };
}

export function isBuilt(app: string): boolean {
  const bundle = appBundle(app);
  return existsSync(bundle.main) && existsSync(bundle.tracing);
}

export const POD_GUARD = path.join(__dirname, 'pod-guard.cjs');
