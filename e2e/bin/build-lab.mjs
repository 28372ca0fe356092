#!/usr/bin/env node
// Builds the bundle of every app in apps/ (dist/apps/<app>/main.js + tracing.js), as the e2e project's
// test, up and bench targets need them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const apps = readdirSync(path.join(root, 'apps'))
  .filter((app) => existsSync(path.join(root, 'apps', app, 'src', 'main.ts')))
  .sort();
for (const app of apps) {
  const result = spawnSync(process.execPath, ['tools/build-app.mjs', app], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
