// Runs the *.spec.ts files below the given folders with node's test runner (TypeScript through tsx).
// Usage: node tools/run-tests.mjs [--with-broker] <folder or spec file>... [-- <extra node --test flags>]
// --with-broker: the specs need RabbitMQ; unless the run already has one (RABBITMQ_URL, as `npm test` gives
// every project), the run's broker is started first and stopped at the end (tools/test-broker.mjs).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startTestBroker } from './test-broker.mjs';

const separator = process.argv.indexOf('--');
const given = process.argv.slice(2, separator === -1 ? undefined : separator);
const withBroker = given.includes('--with-broker');
const folders = given.filter((arg) => arg !== '--with-broker');
const extra = separator === -1 ? [] : process.argv.slice(separator + 1);
if (folders.length === 0) {
  console.error('usage: node tools/run-tests.mjs [--with-broker] <folder>... [-- <node --test flags>]');
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
const broker = withBroker && !process.env.FAULTLINE_NO_BROKER ? await startTestBroker() : { env: {}, stop: async () => undefined };
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void broker.stop().finally(() => process.exit(130)));
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files], {
  stdio: 'inherit',
  env: { ...process.env, ...broker.env },
});
child.on('close', async (code) => {
  await broker.stop();
  process.exit(code ?? 1);
});
