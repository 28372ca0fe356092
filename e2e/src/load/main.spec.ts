// `npm run test:load` as a user runs it (main.ts in a child process), with a stand-in k6 and a stand-in lab
// state file: what it does without k6, without a lab and --no-start, and that the URLs come from the lab.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { LabState } from '../cli/state';
import { WORKSPACE_ROOT } from '../targets/local/paths';
import { makeFakeK6 } from './fake-k6';

const MAIN = path.join(__dirname, 'main.ts');

describe('npm run test:load', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-test-load-'));
  const fake = makeFakeK6();
  const stateFile = path.join(tmp, 'up.json');
  const outDir = path.join(tmp, 'out');
  const record = path.join(tmp, 'k6-calls.txt');
  after(() => {
    fake.remove();
    rmSync(tmp, { recursive: true, force: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, '--out', outDir, ...args], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      // No k6 on PATH; FAULTLINE_TOOLS_BIN decides whether there is one.
      env: { HOME: tmp, PATH: path.join(tmp, 'empty'), FAULTLINE_STATE: stateFile, FAULTLINE_TOOLS_BIN: fake.dir, FAKE_K6_RECORD: record, ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('--help describes the options and exits 0', () => {
    const { code, stdout } = run(['--help']);
    assert.equal(code, 0);
    for (const flag of ['--no-start', '--report', '--no-report', '--time-scale']) assert.ok(stdout.includes(flag), flag);
  });

  it('without k6: one line saying how to install it, exit 2, nothing started', () => {
    const { code, stdout, stderr } = run([], { FAULTLINE_TOOLS_BIN: path.join(tmp, 'no-tools') });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr.trim().split('\n').length, 1);
    assert.match(stderr, /scripts\/dev\/install-k6\.sh/);
    assert.ok(!existsSync(stateFile) && !existsSync(outDir));
  });

  it('--no-start with no lab running: a clear message, exit 2, nothing started', () => {
    const { code, stdout, stderr } = run(['--no-start']);
    assert.equal(code, 2);
    assert.match(stderr, /no lab is running and --no-start was given/);
    assert.ok(!stdout.includes('starting'));
    assert.ok(!existsSync(stateFile) && !existsSync(outDir) && !existsSync(record), 'no lab, no k6 run');
  });

  it('an unknown script name is a usage error', () => {
    const { code, stderr } = run(['--no-start', 'soak']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown k6 script: soak \(known: smoke, shopper, pages, retry-storm\)/);
  });

  describe('with a running lab', () => {
    // The lab `faultline up` would record: this test process stands in for it (alive), Services on odd addresses.
    const state: LabState = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      adminToken: 'token',
      zipkinUrl: 'http://127.0.0.9:9411',
      pods: [],
      services: [
        { name: 'store-front', clusterIp: '127.0.2.31', port: 8080, targetPort: 8080, readyEndpoints: [] },
        { name: 'front-end', clusterIp: '127.0.2.32', port: 8080, targetPort: 8080, readyEndpoints: [] },
        { name: 'retry-client', clusterIp: '127.0.2.33', port: 18080, targetPort: 8080, readyEndpoints: [] },
      ],
    };
    const held = JSON.stringify({ metrics: { http_reqs: { count: 25 }, http_req_failed: { value: 0, thresholds: { 'rate==0': false } } } });
    const broke = JSON.stringify({ metrics: { http_reqs: { count: 25 }, calls_succeeded: { value: 0.5, thresholds: { 'rate>=0.95': true } } } });

    it('runs each script with the lab Services as its URLs, prints one row each, exits 0 when every threshold held', () => {
      writeFileSync(stateFile, JSON.stringify(state));
      rmSync(record, { force: true });
      const { code, stdout, stderr } = run(['--no-start', 'smoke', 'retry-storm', '--time-scale', '0.1'], { FAKE_K6_SUMMARY: held });
      assert.equal(code, 0, stdout + stderr);
      const calls = readFileSync(record, 'utf8');
      for (const url of ['STORE_URL=http://127.0.2.31:8080', 'FRONT_END_URL=http://127.0.2.32:8080', 'RETRY_CLIENT_URL=http://127.0.2.33:18080', 'TIME_SCALE=0.1']) {
        assert.ok(calls.includes(`\n${url}\n`), url);
      }
      assert.match(stdout, /using the running lab/);
      assert.match(stdout, /^smoke\s+25\s+0\.00%.*1\/1 passed.*ok$/m);
      assert.match(stdout, /^retry-storm\s+25\b.*ok$/m);
      assert.ok(existsSync(stateFile), 'a lab it did not start is left running');
    });

    it('exits 1 when a threshold fails, naming it', () => {
      writeFileSync(stateFile, JSON.stringify(state));
      const { code, stdout } = run(['--no-start', 'retry-storm', '--no-report'], { FAKE_K6_SUMMARY: broke, FAKE_K6_EXIT: '99' });
      assert.equal(code, 1);
      assert.match(stdout, /^retry-storm: threshold calls_succeeded rate>=0\.95 failed \(0\.5\)$/m);
    });
  });
});
