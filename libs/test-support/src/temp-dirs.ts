/**
 * Temp folders in tests: `isolateTempDir()` at the top of a spec file gives the file a private temp
 * folder (TMPDIR, which os.tmpdir() and the processes the tests start read), removes it after the file's
 * tests, also when they failed, and fails the file when the code under test left anything in it: a
 * test run leaves no `faultline-*` folders behind, and a leak is named instead of piling up.
 *
 *   isolateTempDir();
 *   const dir = makeTempDir('faultline-x-'); // removed by `after`, whatever happened
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const made: string[] = [];

/** A folder under os.tmpdir(), removed after the spec file's tests (with isolateTempDir) or at exit. */
export function makeTempDir(prefix = 'faultline-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (made.push(dir) === 1) process.once('exit', removeTempDirs);
  return dir;
}

/** Removes every folder makeTempDir made (idempotent). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Points TMPDIR at a private folder for this spec file; after its tests, removes the folders makeTempDir
 * made, then fails when anything else is left there (the names say what leaked), and removes it all.
 */
export function isolateTempDir(): string {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(path.join(os.tmpdir(), 'faultline-spec-'));
  process.env.TMPDIR = root;
  after(() => {
    removeTempDirs();
    let left: string[] = [];
    try {
      left = readdirSync(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    if (left.length) throw new Error(`the tests left ${left.length} entries in the temp folder: ${left.join(', ')}`);
  });
  return root;
}
