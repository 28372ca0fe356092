// Runs the *.spec.ts files below the given folders with node's test runner (TypeScript through tsx).
// Usage: node tools/run-tests.mjs <folder or spec file>... [-- <extra node --test flags>]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const separator = process.argv.indexOf('--');
const folders = process.argv.slice(2, separator === -1 ? undefined : separator);
const extra = separator === -1 ? [] : process.argv.slice(separator + 1);
if (folders.length === 0) {
  console.error('usage: node tools/run-tests.mjs <folder>... [-- <node --test flags>]');
  process.exit(2);
}

function specs(dir) {
  if (!statSync(dir).isDirectory()) return dir.endsWith('.spec.ts') ? [dir] : [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(full).isDirectory()) return specs(full);
    return entry.endsWith('.spec.ts') ? [full] : [];
  });
}

const files = folders.flatMap(specs).sort();
if (files.length === 0) {
  console.error(`no *.spec.ts files under ${folders.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
