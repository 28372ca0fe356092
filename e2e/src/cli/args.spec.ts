// The CLI's argument parsing and its errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFlags, parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('separates positionals, boolean flags and value flags', () => {
    assert.deepEqual(parseArgs(['scenario', 'run', 'a', '--target', 'local', '--json', '--samples=5'], ['target']), {
      positionals: ['scenario', 'run', 'a'],
      flags: { target: 'local', json: true, samples: '5' },
    });
  });
  it('complains about a value flag without its value and about unknown flags', () => {
    assert.throws(() => parseArgs(['--target'], ['target']), UsageError);
    assert.throws(() => checkFlags(parseArgs(['--nope']), ['json']), /unknown option: --nope/);
  });
});
