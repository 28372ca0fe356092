#!/usr/bin/env node
// Builds the bundles of every lab app present in apps/ (dist/apps/<app>/main.js + tracing.js),
// as the e2e project's test, up and bench targets need them. An app not yet in the tree is listed, not built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAB_APPS = [
  'product-service',
  'order-service',
  'store-front',
  'external-server',
  'front-end',
  'business-logic',
  'retry-backend',
  'retry-client',
  'dns-server',
  'auth-proxy',
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const missing = [];
for (const app of LAB_APPS) {
  if (!existsSync(path.join(root, 'apps', app, 'src', 'main.ts'))) {
    missing.push(app);
    continue;
  }
  const result = spawnSync(process.execPath, ['tools/build-app.mjs', app], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (missing.length) console.log(`not in the tree (not built): ${missing.join(', ')}`);
