import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findIg, igDnsAvailability, igErrorLine, IG_INSTALL_HINT } from './ig';

describe('ig', () => {
  it('is looked for in the tool cache first, then on PATH', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-ig-'));
    try {
      const cache = path.join(dir, 'cache');
      const onPath = path.join(dir, 'bin');
      assert.equal(findIg({ FAULTLINE_TOOLS_BIN: cache, PATH: onPath }), undefined);
      for (const folder of [onPath, cache]) {
        mkdirSync(folder, { recursive: true });
        writeFileSync(path.join(folder, 'ig'), '#!/bin/sh\n');
        chmodSync(path.join(folder, 'ig'), 0o755);
      }
      assert.equal(findIg({ FAULTLINE_TOOLS_BIN: cache, PATH: onPath }), path.join(cache, 'ig'));
      rmSync(path.join(cache, 'ig'));
      assert.equal(findIg({ FAULTLINE_TOOLS_BIN: cache, PATH: onPath }), path.join(onPath, 'ig'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads ig's error line out of its output", () => {
    const output = 'time="x" level=warning msg="Ignoring runtime"\nError: running gadget: attaching kprobe: no such file or directory\n';
    assert.equal(igErrorLine(output), 'Error: running gadget: attaching kprobe: no such file or directory');
    assert.equal(igErrorLine(''), '(no output)');
  });

  it('says in one line whether `ig trace dns` runs here, and why not', async () => {
    const availability = await igDnsAvailability();
    if (availability.ok) return;
    assert.doesNotMatch(availability.reason, /\n/);
    assert.ok(
      availability.reason === IG_INSTALL_HINT || /^ig needs root/.test(availability.reason) || /^ig trace dns cannot run on this kernel: /.test(availability.reason),
      availability.reason,
    );
  });
});
