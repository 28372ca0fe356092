// `npm test`: lint, typecheck and test every project through nx, streaming its output, then one closing
// line that adds up node's test runner counts of every project: "N passed, N failed, N skipped".
// The run's broker (tools/test-broker.mjs) is started first and stopped at the end.
import { spawn } from 'node:child_process';
import { startTestBroker } from './test-broker.mjs';

let broker;
try {
  broker = await startTestBroker();
} catch (error) {
  process.stdout.write(`${error.message}\n\n0 passed, 1 failed, 0 skipped\n`);
  process.exit(1);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void broker.stop().finally(() => process.exit(130)));
}

const nx = spawn('npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '--output-style=stream', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, ...broker.env },
});
const counts = { pass: 0, fail: 0, skipped: 0 };
let pending = '';
nx.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    // eslint-disable-next-line no-control-regex
    const match = /ℹ (pass|fail|skipped) (\d+)\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (match) counts[match[1]] += Number(match[2]);
  }
});
nx.on('close', async (code, signal) => {
  await broker.stop();
  // A failing lint or typecheck, or a crash before any count, still shows as a failure.
  const failed = code !== 0 && counts.fail === 0 ? 1 : counts.fail;
  process.stdout.write(`\n${counts.pass} passed, ${failed} failed, ${counts.skipped} skipped\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
