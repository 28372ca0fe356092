// The seed pages' local commands, run as a person following them would: the "lab" ones while
// `faultline up` runs (started here, stopped by its PID), the others on their own; each output must hold
// what the seed shows. Every local command of a page's table must be one of its checks.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brokerAvailable, inCi, NO_BROKER_MESSAGE, pollUntil } from '@faultline/test-support';
import { isBuilt } from '../targets/local/paths';
import { type CheckedCommand, expectInBlock, inBlock, parseSeedPage, seedPages, uncheckedCommands } from './pages';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PAGES = path.join(ROOT, 'docs', 'seeds');
const CLI = path.join(ROOT, 'e2e', 'bin', 'faultline.cjs');
const pages = seedPages(PAGES);
const checks = pages.flatMap((p) => p.checks);

function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function run(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(`${output}\n(exit ${code})`);
    });
  });
}

function missingTool(check: CheckedCommand): string | undefined {
  return ['dig', 'nslookup', 'curl'].find((tool) => new RegExp(`(^|[\\s;(])${tool} `, 'm').test(check.script) && !hasTool(tool));
}

describe('seed pages: the format', () => {
  it('reads checks and the local column of the table', () => {
    const page = parseSeedPage(
      'x/000-demo.md',
      '| # | seed | local | kind |\n|---|---|---|---|\n| 1 | `a` | `dig @127.0.0.20 x` and `npx faultline up` | `k` |\n| 2 | `b` | `curl -s "$(echo \\| cat)"` | — |\n\n<!-- check lab: /^ok$/m -->\n```bash\ndig @127.0.0.20 x\n```\n',
    );
    assert.deepEqual(page.localCommands, ['dig @127.0.0.20 x', 'npx faultline up', 'curl -s "$(echo | cat)"']);
    assert.equal(page.checks.length, 1);
    assert.equal(page.checks[0].lab, true);
    assert.deepEqual(uncheckedCommands(page), ['curl -s "$(echo | cat)"']);
    assert.equal(inBlock('dig @127.0.0.20 -p 10053 x; curl 127.0.2.6', 7), 'dig @127.7.0.20 -p 10053 x; curl 127.7.2.6');
    assert.equal(expectInBlock(/^127\.0\.1\.\d+$/m, 7).source, '^127\\.7\\.1\\.\\d+$');
  });

  it('has a page per seed, each local command of its table checked', () => {
    assert.ok(pages.length >= 5, `pages: ${pages.map((p) => path.basename(p.file)).join(', ')}`);
    for (const page of pages) assert.deepEqual(uncheckedCommands(page), [], `${path.basename(page.file)}: local commands without a check`);
  });
});

const unbuilt = ['dns-server', 'order-service', 'store-front', 'external-server', 'retry-backend'].filter((app) => !isBuilt(app));

describe('seed pages: the local commands', { skip: unbuilt.length ? `build the lab first (not built: ${unbuilt.join(', ')})` : false }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-seed-pages-'));
  const env = { ...process.env, FAULTLINE_STATE: path.join(dir, 'up.json'), PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  let lab: ChildProcess | undefined;
  let labOutput = '';
  let block = 0;
  /** Why the lab could not start here (no broker to be had, outside CI), or undefined. */
  let noLab: string | undefined;

  before(async () => {
    if (!(await brokerAvailable())) return void (noLab = NO_BROKER_MESSAGE);
    lab = spawn(process.execPath, [CLI, 'up', '--no-ui'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    lab.stdout?.on('data', (chunk: Buffer) => (labOutput += chunk.toString()));
    lab.stderr?.on('data', (chunk: Buffer) => (labOutput += chunk.toString()));
    await pollUntil(
      async () => {
        if (lab?.exitCode !== null) throw new Error(`faultline up exited: ${labOutput}`);
        return existsSync(env.FAULTLINE_STATE) && labOutput.includes('Ctrl-C') ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'faultline up to report the lab ready' },
    );
    const state = JSON.parse(readFileSync(env.FAULTLINE_STATE, 'utf8')) as { services: { clusterIp: string }[] };
    block = Number(state.services[0].clusterIp.split('.')[1]);
  });

  after(async () => {
    if (lab?.pid !== undefined && lab.exitCode === null) {
      const exited = new Promise((resolve) => lab?.once('exit', resolve));
      lab.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('faultline up prints the Pods and Services lists the pages point to', (t) => {
    if (noLab) return t.skip(noLab);
    assert.match(labOutput, /Services \(ClusterIP:port → pods:targetPort\):[\s\S]*retry-backend/);
    assert.match(labOutput, /Pods:[\s\S]*upstream-dns-[\s\S]*public-dns-standin-|Pods:[\s\S]*public-dns-standin-[\s\S]*upstream-dns-/);
  });

  for (const check of checks.filter((c) => c.lab)) {
    it(`${check.page} (lab): ${check.script.split('\n').at(-1)}`, async (t) => {
      if (noLab) return t.skip(noLab);
      const tool = missingTool(check);
      // The project's policy for missing tools: skip here, fail under CI (which installs dnsutils and curl).
      if (tool && !inCi()) return t.skip(`${tool} is not installed (install: apt-get install dnsutils curl)`);
      const output = await run(inBlock(check.script, block), env, 30_000);
      assert.match(output, expectInBlock(check.expect, block), output);
    });
  }

});

// Scenario runs start labs of their own, after the lab above is stopped; one at a time (2 cores).
describe('seed pages: the scenario runs', { skip: unbuilt.length ? `build the lab first (not built: ${unbuilt.join(', ')})` : false }, () => {
  let noBroker: string | undefined;
  before(async () => {
    if (!(await brokerAvailable())) noBroker = NO_BROKER_MESSAGE;
  });
  for (const check of checks.filter((c) => !c.lab)) {
    it(`${check.page}: ${check.script.split('\n').at(-1)}`, async (t) => {
      if (noBroker && /scenario run/.test(check.script)) return t.skip(noBroker);
      const output = await run(check.script, process.env, 240_000);
      assert.match(output, check.expect, output);
    });
  }
});
