import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { type FakeK6, makeFakeK6 } from './fake-k6';
import { k6Args, lastError, lastRequestError, passed, runK6 } from './k6-run';

const SUMMARY = (failed: boolean) =>
  JSON.stringify({ metrics: { http_reqs: { count: 7 }, calls_succeeded: { value: failed ? 0.5 : 0.97, thresholds: { 'rate>=0.95': failed } } } });

describe('one k6 run', () => {
  const fake: FakeK6 = makeFakeK6();
  const out = mkdtempSync(path.join(tmpdir(), 'faultline-k6-run-'));
  const record = path.join(out, 'record.txt');
  const run = (extra: Partial<Parameters<typeof runK6>[0]> = {}) =>
    runK6({ k6: fake.bin, name: 'storm', script: '/lab/retry-storm.ts', vars: { RETRY_CLIENT_URL: 'http://127.0.0.5:8080' }, outDir: out, timeoutMs: 20_000, ...extra });
  const setEnv = (env: Record<string, string>) => Object.assign(process.env, { FAKE_K6_RECORD: record, ...env });
  afterEach(() => {
    rmSync(record, { force: true });
    for (const name of ['FAKE_K6_SUMMARY', 'FAKE_K6_EXIT', 'FAKE_K6_ERROR', 'FAKE_K6_SLEEP', 'FAKE_K6_RECORD']) delete process.env[name];
  });
  after(() => {
    fake.remove();
    rmSync(out, { recursive: true, force: true });
  });

  it('passes the lab URLs with -e, exports the summary, and starts neither a REST API nor a usage report', async () => {
    setEnv({ FAKE_K6_SUMMARY: SUMMARY(false) });
    const result = await run();
    const args = readFileSync(record, 'utf8').split('\n');
    assert.deepEqual(args.slice(0, 6), ['run', '--quiet', '--no-color', '--no-usage-report', '--address=', `--summary-export=${path.join(out, 'storm.summary.json')}`]);
    assert.ok(args.includes('RETRY_CLIENT_URL=http://127.0.0.5:8080'));
    assert.ok(args.includes('K6_NO_USAGE_REPORT=true'));
    assert.ok(!args.some((a) => a.startsWith('K6_WEB_DASHBOARD')), 'no dashboard unless a report is asked for');
    assert.equal(result.exitCode, 0);
    assert.equal(result.summary?.requests, 7);
    assert.ok(passed(result));
  });

  it('asks the web dashboard for an HTML export only, without its server', async () => {
    setEnv({ FAKE_K6_SUMMARY: SUMMARY(false) });
    const reportFile = path.join(out, 'storm.html');
    const result = await run({ reportFile });
    const env = readFileSync(record, 'utf8');
    assert.match(env, /^K6_WEB_DASHBOARD=true$/m);
    assert.match(env, /^K6_WEB_DASHBOARD_PORT=-1$/m);
    assert.match(env, new RegExp(`^K6_WEB_DASHBOARD_EXPORT=${reportFile}$`, 'm'));
    assert.equal(result.reportFile, undefined, 'the fake wrote no report, so none is claimed');
  });

  it('a failed threshold (exit 99) is a result, not an error; any other exit is an error naming k6s message', async () => {
    setEnv({ FAKE_K6_SUMMARY: SUMMARY(true), FAKE_K6_EXIT: '99' });
    const failed = await run();
    assert.equal(failed.error, undefined);
    assert.ok(!passed(failed));
    delete process.env.FAKE_K6_SUMMARY;
    setEnv({ FAKE_K6_EXIT: '107', FAKE_K6_ERROR: 'SyntaxError: Unexpected token' });
    const crashed = await run();
    assert.equal(crashed.summary, undefined, 'the summary of the previous run is not reused');
    assert.equal(crashed.error, 'k6 exit 107: SyntaxError: Unexpected token');
    assert.ok(!passed(crashed));
  });

  it('is interrupted at its time limit', async () => {
    setEnv({ FAKE_K6_SLEEP: '30' });
    const started = Date.now();
    const result = await run({ timeoutMs: 300 });
    assert.ok(Date.now() - started < 10_000);
    assert.match(result.error ?? '', /stopped after 0 s \(time limit\)/);
  });

  it('is interrupted when the run is aborted', async () => {
    setEnv({ FAKE_K6_SLEEP: '30' });
    const abort = new AbortController();
    const pending = run({ signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    const result = await pending;
    assert.equal(result.exitCode, 105);
    assert.ok(!passed(result));
  });

  it('takes the message of the last error line of a k6 log, and the last request it could not make', () => {
    const log = 'time="t" level=info msg="starting"\ntime="t" level=error msg="GoError: \\"dial tcp\\" refused" source=console\nsummary\n';
    assert.equal(lastError(log), 'GoError: "dial tcp" refused');
    assert.equal(lastError('plain failure\n'), 'plain failure');
    assert.equal(lastError(''), undefined);
    assert.deepEqual(k6Args({ script: 's.ts', vars: {} }, 'x.json').at(-1), 's.ts');
    const refused = 'time="t" level=warning msg="Request Failed" error="Get \\"http://127.0.0.1:1/\\": dial tcp 127.0.0.1:1: connect: connection refused"\n';
    assert.equal(lastRequestError(refused), 'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused');
    assert.equal(lastRequestError(log), undefined);
  });
});
