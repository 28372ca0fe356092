/**
 * isolateTempDir as node's test runner uses it: a spec file (written here, run by `node --test` in a
 * child process) that leaks a folder fails naming it, one that cleans up passes, and neither leaves
 * anything in the temp folder, failed tests included.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isolateTempDir, makeTempDir } from './temp-dirs';

isolateTempDir();

const TEMP_DIRS = path.join(__dirname, 'temp-dirs.ts');

function runSpec(dir: string, body: string): { status: number | null; output: string; left: string[] } {
  const file = path.join(dir, 'fixture.spec.ts');
  writeFileSync(
    file,
    `import { mkdtempSync } from 'node:fs';\nimport os from 'node:os';\nimport path from 'node:path';\nimport { it } from 'node:test';\n` +
      `import { isolateTempDir, makeTempDir } from ${JSON.stringify(TEMP_DIRS)};\nisolateTempDir();\n${body}\n`,
  );
  const tmp = makeTempDir('faultline-fixture-tmp-');
  // NODE_TEST_CONTEXT would make the inner runner report to this one instead of exiting with its verdict.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], {
    env: { ...env, TMPDIR: tmp },
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr, left: readdirSync(tmp).filter((n) => !n.startsWith('tsx-')) };
}

describe('isolateTempDir', () => {
  it('fails the spec file naming what the code under test left in the temp folder, and removes it', () => {
    const dir = makeTempDir('faultline-fixture-');
    const run = runSpec(dir, `it('leaks', () => { mkdtempSync(path.join(os.tmpdir(), 'faultline-kind-')); });`);
    assert.notEqual(run.status, 0);
    assert.match(run.output, /the tests left 1 entries in the temp folder: faultline-kind-\w+/);
    assert.deepEqual(run.left, []);
  });

  it('removes the folders makeTempDir made, also when the test failed', () => {
    const dir = makeTempDir('faultline-fixture-');
    const run = runSpec(dir, `it('fails', () => { makeTempDir('faultline-x-'); throw new Error('boom'); });`);
    assert.notEqual(run.status, 0);
    assert.match(run.output, /boom/);
    assert.doesNotMatch(run.output, /entries in the temp folder/);
    assert.deepEqual(run.left, []);
  });

  it('passes a spec file that cleans up after itself', () => {
    const dir = makeTempDir('faultline-fixture-');
    const run = runSpec(dir, `it('tidy', () => { makeTempDir('faultline-y-'); });`);
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(run.left, []);
  });

  it('makeTempDir makes the folder under the private temp folder', () => {
    const dir = makeTempDir('faultline-here-');
    assert.ok(existsSync(dir));
    assert.equal(path.dirname(dir), process.env.TMPDIR);
  });
});
