/**
 * The k6 scripts (run by k6 in CI, not here): type-checked against @types/k6 with their own tsconfig, and
 * each one declares thresholds, so a run fails when the lab misbehaves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { filesUnder, repoPath, run } from './repo';

const K6_DIR = repoPath('e2e', 'k6');
const scripts = filesUnder(K6_DIR, '.ts').filter((f) => !f.includes(`${path.sep}lib${path.sep}`));

describe('k6 scripts', () => {
  it('exist for the shopper flow, the slow/fast pages, the retry storm and the CI smoke', () => {
    assert.deepEqual(scripts.map((f) => path.basename(f)).sort(), ['pages.ts', 'retry-storm.ts', 'shopper.ts', 'smoke.ts']);
  });

  it('type-check against @types/k6 (tsc -p e2e/k6/tsconfig.json)', () => {
    const tsc = repoPath('node_modules', '.bin', 'tsc');
    const result = run(tsc, ['-p', path.join(K6_DIR, 'tsconfig.json')], { timeoutMs: 120_000 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const config = JSON.parse(readFileSync(path.join(K6_DIR, 'tsconfig.json'), 'utf8'));
    assert.deepEqual(config.compilerOptions.types, ['k6'], 'k6 globals only, no node or DOM');
  });

  for (const file of scripts) {
    it(`${path.basename(file)}: exports options with thresholds and imports only k6 modules and its own files`, () => {
      const text = readFileSync(file, 'utf8');
      assert.match(text, /export const options: Options = \{[\s\S]*thresholds: \{/);
      for (const [, from] of text.matchAll(/from '([^']+)'/g)) {
        assert.ok(from === 'k6' || from.startsWith('k6/') || from.startsWith('./'), `${from}: k6 cannot load node packages`);
      }
    });
  }

  it('state the symptoms as thresholds: slow page >= 3 s, >= 95% success under the retry storm', () => {
    assert.match(readFileSync(path.join(K6_DIR, 'pages.ts'), 'utf8'), /'http_req_duration\{page:slow\}': \['p\(50\)>2900'/);
    assert.match(readFileSync(path.join(K6_DIR, 'retry-storm.ts'), 'utf8'), /calls_succeeded: \['rate>=0\.95'\]/);
  });
});
