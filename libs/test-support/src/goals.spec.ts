import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGoal, formatGoal, GoalReport } from './goals';

describe('benchmark goals', () => {
  it('says plainly when a goal is missed, with the measured figure beside the goal', () => {
    const result = checkGoal({ what: 'throughput ratio', measured: 0.82, op: '>=', goal: 0.85 });
    assert.equal(result.met, false);
    assert.equal(formatGoal(result), 'goal missed: throughput ratio: 0.82 measured vs goal ≥ 0.85');
    const rss = checkGoal({ what: 'lab RSS', measured: 722, op: '<=', goal: 700, unit: 'MB', digits: 0 });
    assert.equal(formatGoal(rss), 'goal missed: lab RSS: 722 MB measured vs goal ≤ 700 MB');
  });

  it('meets a goal on its boundary and never with a figure that is not a number', () => {
    assert.equal(checkGoal({ what: 'x', measured: 700, op: '<=', goal: 700 }).met, true);
    assert.equal(checkGoal({ what: 'x', measured: Number.NaN, op: '<=', goal: 700 }).met, false);
  });

  it('ends with exit code 1 when any goal was missed, 0 when all were met', () => {
    const lines: string[] = [];
    const report = new GoalReport((line) => lines.push(line));
    assert.equal(report.check({ what: 'ready time', measured: 3.1, op: '<=', goal: 5, unit: 's' }), true);
    assert.equal(report.check({ what: 'lab RSS', measured: 722, op: '<=', goal: 700, unit: 'MB', digits: 0 }), false);
    assert.equal(report.finish(false), 1);
    assert.deepEqual(lines, [
      'goal met: ready time: 3.10 s measured vs goal ≤ 5.00 s',
      'goal missed: lab RSS: 722 MB measured vs goal ≤ 700 MB',
      '1 of 2 goals missed: lab RSS (exit 1)',
    ]);
    const met = new GoalReport(() => undefined);
    met.check({ what: 'ratio', measured: 0.9, op: '>=', goal: 0.85 });
    assert.equal(met.finish(false), 0);
  });
});
