import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuTicks, machineBusySeconds, rssOf, usage } from './lab-usage';

describe('lab usage from /proc', () => {
  it('reads utime + stime after a command name holding spaces and parentheses', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0 5000 1000000 9000';
    assert.equal(cpuTicks(stat), 325);
    assert.equal(rssOf('Name:\tnode\nVmRSS:\t   65536 kB\nThreads: 11\n'), 65536 * 1024);
  });

  it('measures this process and counts a gone one as nothing', () => {
    const mine = usage([process.pid]);
    assert.ok(mine.rssBytes > 1024 * 1024 && mine.cpuSeconds > 0);
    assert.deepEqual(usage([2 ** 22 + 1]), { cpuSeconds: 0, rssBytes: 0 });
  });

  it('counts the machine busy except idle and iowait', () => {
    assert.equal(machineBusySeconds('cpu  100 5 50 1000 20 3 2 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n'), 1.6);
  });
});
