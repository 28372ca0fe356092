// Bundles one app into dist/apps/<name>/: main.js (the app with the workspace libs it imports)
// and tracing.js (the sidecar tracer, preloaded with `node --require`). Packages from node_modules
// stay external so OpenTelemetry can instrument them when they are required.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';

// Usage: node tools/build-app.mjs <app> [--outdir <folder>]   (default dist/apps/<app>)
const [name, flag, outdirArgument] = process.argv.slice(2);
if (!name || !existsSync(`apps/${name}/src/main.ts`) || (flag !== undefined && (flag !== '--outdir' || !outdirArgument))) {
  console.error('usage: node tools/build-app.mjs <app> [--outdir <folder>]   (apps/<app>/src/main.ts must exist)');
  process.exit(2);
}
const outdir = outdirArgument ?? path.join('dist', 'apps', name);
await build({
  entryPoints: { main: `apps/${name}/src/main.ts`, tracing: 'libs/tracer/src/register.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  logLevel: 'warning',
});
console.log(`built ${outdir}/main.js and ${outdir}/tracing.js`);
